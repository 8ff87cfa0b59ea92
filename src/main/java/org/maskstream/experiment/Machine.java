package org.maskstream.experiment;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One line naming the machine a result came from, for the results files. */
public final class Machine {
    /** DJL's setting for PyTorch's intra-op threads; on a shared machine 1 is much faster than one per core. */
    public static final String PYTORCH_THREADS = "ai.djl.pytorch.num_threads";

    private Machine() {
    }

    /**
     * The git commit of the working directory, with "+ local changes" when it has uncommitted ones; "unknown"
     * outside a git checkout.
     */
    public static String codeVersion() {
        try {
            String commit = git("rev-parse", "--short=12", "HEAD").trim();
            if (commit.isEmpty()) {
                return "unknown";
            }
            return git("status", "--porcelain", "--untracked-files=no", "--", "src", "pom.xml").isBlank() ? commit
                    : commit + " + local changes";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? out : "";
    }

    /** E.g. "Linux 6.1 amd64, 2 cores (Intel Xeon ...), Java 17.0.16, heap 8.0 GB; load average 3.1 at start". */
    public static String describe() {
        Runtime rt = Runtime.getRuntime();
        String cpu = cpuModel().map(m -> " (" + m + ")").orElse("");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String device = Engine.getInstance().getGpuCount() > 0 ? "GPU" : "CPU";
        String threads = System.getProperty(PYTORCH_THREADS, "one per core");
        return String.format(Locale.ROOT, "%s %s %s, %d cores%s, Java %s, heap %.1f GB, training on the %s with"
                        + " PyTorch threads: %s; 1-minute load average %.1f at start (above %d means other jobs"
                        + " shared the cores)",
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                rt.availableProcessors(), cpu, System.getProperty("java.version"), rt.maxMemory() / 1e9, device,
                threads, load, rt.availableProcessors());
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
