package org.maskstream.demo;

import org.maskstream.events.UpdateSignature;
import org.maskstream.retrain.Attempt;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.Retrainer;
import org.maskstream.stream.StreamConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The retraining loop inside {@code bin/maskstream demo}: a registry seeded with the demo's starting model and a
 * training store, both in the demo's temporary folder; the job gathers into the store and hot-swaps what gets
 * promoted; every {@code every} a {@code retrain --once} runs in a child JVM, its outcome printed between the
 * live lines.
 *
 * <p>A child process, as in production where {@code retrain} runs beside the job: DJL training in the JVM that is
 * serving the same engine's inference on another thread drove the training loss to NaN within a few steps (seen
 * with DJL 0.36 / PyTorch 2.7.1 on CPU), while the same fine-tuning alone is stable.
 */
public final class DemoRetraining implements Demo.Loop {
    /** Fine-tuning time per attempt: long enough to gain on a weak model, short next to the attempt interval. */
    static final Duration BUDGET = Duration.ofSeconds(45);
    private static final String LEARNING_RATE = "3e-3";
    private static final String MARGIN = "0.01";
    private static final String MIN_VALIDATION = "20";
    private static final long STOP_WAIT_S = 10;

    private final ModelRegistry registry;
    private final Path signingKey;
    private final Path work;
    private final Duration every;
    private final List<String> launcher;
    private final Path kafkaConfig;

    private DemoRetraining(ModelRegistry registry, Path signingKey, Path work, Duration every, List<String> launcher,
                           Path kafkaConfig) {
        this.registry = registry;
        this.signingKey = signingKey;
        this.work = work;
        this.every = every;
        this.launcher = launcher;
        this.kafkaConfig = kafkaConfig;
    }

    /**
     * Seeds a registry in {@code work} with {@code startModel} as v0001; serve {@link #servingModel()}. The
     * promotions are signed with a key made for this run, in {@code work}, which the job is configured with.
     *
     * @param launcher    the command that runs {@code bin/maskstream} in a new JVM, without arguments
     * @param kafkaConfig the demo's {@code --kafka-config} file, given to the child's {@code retrain} by name (so
     *                    no secret goes on a command line); null for none
     */
    public static DemoRetraining create(Path work, Path startModel, Duration every, List<String> launcher,
                                        Path kafkaConfig) {
        ModelRegistry registry = ModelRegistry.open(work.resolve("registry"));
        Retrainer.seed(registry, startModel);
        Path key = UpdateSignature.generateKeyFile(work.resolve("model-signing.key"));
        return new DemoRetraining(registry, key, work, every, List.copyOf(launcher), kafkaConfig);
    }

    /** The registry folder: its history shows the loop's attempts. */
    public Path registryDir() {
        return registry.dir();
    }

    /** The registry's copy of the starting model, so results name it v0001. */
    public Path servingModel() {
        return registry.current().orElseThrow().dir();
    }

    private Path store() {
        return work.resolve("store");
    }

    @Override
    public StreamConfig configure(StreamConfig config) {
        return config.toBuilder().set(StreamConfig.Key.GATHER_STORE, store().toUri().toString())
                .set(StreamConfig.Key.MODEL_REGISTRY_ROOT, registry.dir().toString())
                .set(StreamConfig.Key.MODEL_SIGNING_KEY_FILE, signingKey.toString()).build();
    }

    @Override
    public AutoCloseable start(StreamConfig config, PrintStream out) {
        out.printf(Locale.ROOT, "retraining every %d s on the labeled events gathered so far (%d s of fine-tuning"
                + " each, in a separate JVM; --no-retrain turns it off)%n", every.toSeconds(), BUDGET.toSeconds());
        BackgroundRetraining background = BackgroundRetraining.start(() -> attempt(config), every, every,
                a -> out.println(line(a)));
        return background;
    }

    /** Runs {@code retrain --once} in a child JVM and returns the history line it added. */
    private Attempt attempt(StreamConfig config) throws IOException, InterruptedException {
        int before = registry.history().size();
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("retrain", "--once", "--store", store().toString(), "--registry",
                registry.dir().toString(), "--signing-key-file", signingKey.toString(), "--bootstrap-servers", config.bootstrapServers(), "--topic",
                config.modelUpdatesTopic(), "--budget", BUDGET.toSeconds() + "s", "--lr", LEARNING_RATE, "--margin",
                MARGIN, "--min-validation", MIN_VALIDATION));
        if (kafkaConfig != null) {
            command.addAll(List.of("--kafka-config", kafkaConfig.toAbsolutePath().toString()));
        }
        Path log = work.resolve("retrain.log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        int status;
        try {
            status = child.waitFor();
        } catch (InterruptedException e) {
            // SIGKILL, and wait for it: a JVM asked to exit while a thread is inside libtorch can crash, and the
            // demo deletes the folder the child works in as soon as this returns
            child.destroyForcibly().waitFor(STOP_WAIT_S, TimeUnit.SECONDS);
            throw e;
        }
        List<Attempt> history = registry.history();
        if (history.size() > before) {
            return history.get(history.size() - 1);
        }
        return new Attempt(Instant.now().toString(), Attempt.Outcome.FAILED, null, null, null, null, 0, null, null,
                Double.parseDouble(MARGIN), null, "retrain exited with status " + status + " without recording an"
                + " attempt: " + lastLine(log));
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String line(Attempt a) {
        String metrics = a.current() == null ? "" : String.format(Locale.ROOT, " (validation fg IoU %.3f -> %.3f on %d)",
                a.current().fgIou(), a.candidate().fgIou(), a.validationExamples());
        return switch (a.outcome()) {
            case PROMOTED -> "retrain: promoted " + a.version() + metrics + "; the job switches to it";
            case REFUSED -> "retrain: refused" + metrics + ": " + a.reason();
            case FAILED -> "retrain: failed: " + a.reason();
        };
    }
}
