package org.maskstream.retrain;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.maskstream.stream.Demo;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The retraining loop inside {@code bin/maskstream demo}: a registry seeded with the demo's starting model and a
 * training store, both in the demo's temporary folder; the job gathers into the store and hot-swaps what gets
 * promoted; an attempt runs in the background every {@code every}, its outcome printed between the live lines.
 */
public final class DemoRetraining implements Demo.Loop {
    /** Fine-tuning time per attempt: long enough to gain on a weak model, short next to the attempt interval. */
    static final Duration BUDGET = Duration.ofSeconds(45);
    private static final RetrainOptions OPTIONS = new RetrainOptions(BUDGET, 20, 16, 1e-3f, 1, 0.01, 20, false);

    private final ModelRegistry registry;
    private final Path store;
    private final Duration every;

    private DemoRetraining(ModelRegistry registry, Path store, Duration every) {
        this.registry = registry;
        this.store = store;
        this.every = every;
    }

    /** Seeds a registry in {@code work} with {@code startModel} as v0001; serve {@link #servingModel()}. */
    public static DemoRetraining create(Path work, Path startModel, Duration every) {
        ModelRegistry registry = ModelRegistry.open(work.resolve("registry"));
        Retrainer.seed(registry, startModel);
        return new DemoRetraining(registry, work.resolve("store"), every);
    }

    /** The registry's copy of the starting model, so results name it v0001. */
    public Path servingModel() {
        return registry.current().orElseThrow().dir();
    }

    @Override
    public StreamConfig configure(StreamConfig config) {
        return config.toBuilder().set(StreamConfig.Key.GATHER_STORE, store.toUri().toString()).build();
    }

    @Override
    public void build(StreamExecutionEnvironment env, StreamConfig config) {
        EditMaskJob.Topology topology = EditMaskJob.buildOnKafka(env, config,
                HotSwap.verified(env, HotSwap.source(config), SavedModels.LOADER));
        Gather.attach(topology.requests(), config);
    }

    @Override
    public AutoCloseable start(StreamConfig config, PrintStream out) {
        ModelUpdatePublisher publisher = new ModelUpdatePublisher(config);
        Retrainer retrainer = new Retrainer(registry, store.toUri(), null, OPTIONS, publisher::publish);
        out.printf(Locale.ROOT, "retraining every %s on the labeled events gathered so far (%d s of fine-tuning each;"
                + " --no-retrain turns it off)%n", every, BUDGET.toSeconds());
        BackgroundRetraining background = BackgroundRetraining.start(retrainer, every, every,
                a -> out.println(line(a)));
        return () -> {
            background.close();
            publisher.close();
        };
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
