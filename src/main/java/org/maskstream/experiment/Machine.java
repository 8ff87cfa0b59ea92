package org.maskstream.experiment;

import ai.djl.engine.Engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** One line naming the machine a result came from, for the results files. */
public final class Machine {
    private Machine() {
    }

    /** E.g. "Linux 6.1 amd64, 2 cores (Intel Xeon ...), Java 17.0.16, heap 8.0 GB; load average 3.1 at start". */
    public static String describe() {
        Runtime rt = Runtime.getRuntime();
        String cpu = cpuModel().map(m -> " (" + m + ")").orElse("");
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String device = Engine.getInstance().getGpuCount() > 0 ? "GPU" : "CPU";
        return String.format(Locale.ROOT, "%s %s %s, %d cores%s, Java %s, heap %.1f GB, training on the %s;"
                        + " 1-minute load average %.1f at start (above %d means other jobs shared the cores)",
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                rt.availableProcessors(), cpu, System.getProperty("java.version"), rt.maxMemory() / 1e9, device,
                load, rt.availableProcessors());
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
