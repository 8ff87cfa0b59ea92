package org.maskstream.experiment;

import org.maskstream.data.Example;
import org.maskstream.demo.DemoModel;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.retrain.RetrainOptions;
import org.maskstream.retrain.Retrainer;
import org.maskstream.train.EpochMetrics;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.TrainResult;
import org.maskstream.train.Trainer;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Does the demo get slower with the new defaults? Times, in one run and on the same examples, the demo's model
 * ({@link DemoModel#recipe}) trained with the defaults from before issue 18 and with today's: serving (milliseconds
 * per request in micro-batches of {@value #MICRO_BATCH}, as the job batches them) and the retraining loop (training
 * milliseconds per example of a {@link Retrainer#fineTuning} epoch). The weights do not change the arithmetic, so
 * each model trains only briefly; the second epoch is timed, after the JIT has settled.
 */
final class DefaultsSpeed {
    static final int MICRO_BATCH = 8;
    /** The bar of issue 18: the new defaults may cost at most this factor per request. */
    static final double MAX_SLOWDOWN = 1.2;
    private static final int PASSES = 3;
    private static final RetrainOptions LOOP = new RetrainOptions(Duration.ofMinutes(5), 2, 16, 3e-4f, 1, 0.01, 20,
            false);

    /** One measured cost under both sets of defaults, in milliseconds per request or example. */
    record Row(String what, double before, double now) {
        double ratio() {
            return now / before;
        }

        boolean withinBar() {
            return ratio() <= MAX_SLOWDOWN;
        }

        Map<String, Object> asMap() {
            return Map.of("what", what, "ms_before", before, "ms_now", now, "ratio", ratio(),
                    "within_" + MAX_SLOWDOWN, withinBar());
        }
    }

    private DefaultsSpeed() {
    }

    /**
     * @param now      the defaults measured against those from before issue 18 (the report's first arm)
     * @param train    examples the models train on briefly (and the retraining loop fine-tunes on)
     * @param requests what the served models are asked, in order; repeated instructions are as the demo sends them
     */
    static List<Row> measure(UnaryOperator<TrainOptions.Builder> now, List<Example> train, List<Example> requests,
                             Path workDir, PrintStream log) {
        Costs before = measureArm("before", TrainOptions.Builder::withoutRobustnessDefaults, train, requests, workDir,
                log);
        Costs after = measureArm("now", now, train, requests, workDir, log);
        return List.of(
                new Row("serving, first pass (instructions no model in the process has encoded)", before.serveFirst,
                        after.serveFirst),
                new Row("serving, later passes (the demo's repeated instructions)", before.serveLater,
                        after.serveLater),
                new Row("serving, first pass of a swapped-in version (instructions the previous one served)",
                        before.serveSwapped, after.serveSwapped),
                new Row("retraining loop, training per example", before.loop, after.loop));
    }

    /** Milliseconds per request or example of one set of defaults. */
    private record Costs(double serveFirst, double serveLater, double serveSwapped, double loop) {
    }

    private static Costs measureArm(String name, UnaryOperator<TrainOptions.Builder> defaults, List<Example> train,
                                    List<Example> requests, Path workDir, PrintStream log) {
        log.printf(Locale.ROOT, "speed: the demo model with the defaults of %s%n", name);
        Path dir = workDir.resolve("speed-" + name);
        // the scored models encoded the test instructions: the first pass must meet them new
        FrozenTextEncoder.clearCache();
        Trainer.train(train, List.of(), defaults.apply(DemoModel.recipe().epochs(2).timeLimit(null).progress(false))
                .build(), dir);
        double[] passes = servePasses(dir, requests, PASSES);
        TrainOptions tuning = defaults.apply(Retrainer.fineTuning(dir, LOOP, LOOP.learningRate())).build();
        Path tunedDir = workDir.resolve("speed-" + name + "-tuned");
        TrainResult tuned = Trainer.train(train, List.of(), tuning, tunedDir);
        EpochMetrics last = tuned.history().get(tuned.history().size() - 1);
        // the retraining loop's candidate, as the job would hot-swap it in
        double swapped = servePasses(tunedDir, requests, 1)[0];
        return new Costs(passes[0], median(Arrays.copyOfRange(passes, 1, passes.length)), swapped,
                1000.0 / last.samplesPerSec());
    }

    /** Milliseconds per request of each of {@code passes} passes over {@code requests}. */
    private static double[] servePasses(Path dir, List<Example> requests, int passes) {
        double[] out = new double[passes];
        try (MaskModel model = SavedModel.load(dir)) {
            for (int pass = 0; pass < passes; pass++) {
                long start = System.nanoTime();
                for (int from = 0; from < requests.size(); from += MICRO_BATCH) {
                    List<Example> part = requests.subList(from, Math.min(requests.size(), from + MICRO_BATCH));
                    List<BufferedImage> images = new ArrayList<>();
                    List<String> instructions = new ArrayList<>();
                    part.forEach(e -> {
                        images.add(e.image());
                        instructions.add(e.instruction());
                    });
                    model.predict(images, instructions);
                }
                out[pass] = (System.nanoTime() - start) / 1e6 / requests.size();
            }
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
