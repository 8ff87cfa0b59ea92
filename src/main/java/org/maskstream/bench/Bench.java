package org.maskstream.bench;

import ai.djl.pytorch.jni.JniUtils;
import org.maskstream.data.Example;
import org.maskstream.grounding.DetectorPrior;
import org.maskstream.experiment.Markdown;
import org.maskstream.experiment.Report;
import org.maskstream.experiment.Setup;
import org.maskstream.model.ModelConfig;
import org.maskstream.stream.InferenceSoak;
import org.maskstream.stream.StreamConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code experiment bench}: the six parts of the benchmark in one process, so every ratio compares numbers taken
 * minutes apart on the same machine under the same load. Writes {@code bench.md}, {@code bench.json} and the
 * plots {@code bench-latency.png} and {@code bench-memory.png}.
 */
public final class Bench {
    public static final String NAME = "bench";
    static final int[] BATCHES = {1, 8, 32};
    static final int LATENCY_BATCH = 8;
    static final double[] LOADS = {0.25, 0.5, 0.75, 1.0};
    static final int[] TOKENS = {16, 32, 64};
    /** The goals of issue 14: the job at 95% of the bare model, DJL not slower than PyTorch, two subtasks not slower than one. */
    static final double PIPELINE_GOAL = 0.95;
    static final double TORCH_GOAL = 1.0;
    static final double PARALLELISM_GOAL = 1.0;

    /**
     * How much work each part does.
     *
     * @param runs           runs behind every figure (at least 5 for the full benchmark)
     * @param bareImages     images per bare-model run
     * @param segmentSeconds length a pipeline throughput run aims at
     * @param latencySeconds length of one latency run (one segment of a load step)
     * @param checkpointMs   checkpoint interval of every job (the exactly-once latency floor)
     * @param torchBatches   inference batches per DJL / PyTorch run
     * @param torchSteps     training steps per DJL / PyTorch run
     * @param soakEvents     events of the memory soak
     * @param soakEvery      events between its samples
     * @param torchThreads   the intra-op thread counts DJL and PyTorch are compared at
     * @param imageSizes     the input sizes of part 5
     */
    public record Sizes(int runs, int bareImages, double segmentSeconds, double latencySeconds, long checkpointMs,
                        int torchBatches, int torchSteps, long soakEvents, long soakEvery, int[] torchThreads,
                        int[] imageSizes) {
        /** The same with {@code n} runs behind every figure. */
        public Sizes withRuns(int n) {
            return new Sizes(n, bareImages, segmentSeconds, latencySeconds, checkpointMs, torchBatches, torchSteps,
                    soakEvents, soakEvery, torchThreads, imageSizes);
        }
    }

    /** About 15 minutes on 2 idle cores. */
    public static Sizes full() {
        return new Sizes(5, 32, 2.0, 2.5, 1000, 4, 4, 100_000, 10_000, new int[] {1, 2}, new int[] {64, 128, 256});
    }

    /** A smoke run of every part (its numbers mean nothing). */
    public static Sizes quick() {
        return new Sizes(2, 4, 0.3, 0.4, 500, 1, 1, 64, 32, new int[] {1}, new int[] {64, 128});
    }

    private Bench() {
    }

    /** Runs the benchmark with {@code threads} PyTorch intra-op threads for every part but the thread comparisons. */
    public static void run(Sizes sizes, int threads, Setup setup) {
        Report report = new Report(NAME, setup);
        String loadAtStart = loadAverage();
        PrintStream log = setup.log();
        JniUtils.setNumThreads(threads);
        Path work = setup.workDir();
        Map<String, Object> json = new LinkedHashMap<>();
        try {
            List<Example> traffic = BenchModels.traffic(64, 64);
            ModelConfig defaults = BenchModels.defaultConfig(64, 16, traffic);
            Path model = BenchModels.create(defaults, work.resolve("model-64"));
            Results r = new Results();
            r.threads = threads;
            try (BareModel bare = new BareModel(model, traffic);
                 Pipeline pipeline = new Pipeline(model, traffic, work)) {
                throughput(sizes, bare, pipeline, r, work, log);
                latency(sizes, pipeline, r, work, log);
                parallelism(sizes, pipeline, r, threads, work, log);
            }
            grounded(sizes, r, defaults, traffic, work, log);
            log.println("bench: DJL against PyTorch");
            for (int t : sizes.torchThreads()) {
                r.torch.add(TorchComparison.run(defaults, traffic, LATENCY_BATCH, t, sizes.runs(), sizes.torchBatches(),
                        sizes.torchSteps(), work.resolve("torch-" + t)));
            }
            JniUtils.setNumThreads(threads);
            scaling(sizes, r, work, log);
            memory(sizes, r, defaults, model, traffic, work, log);
            r.loadAtStart = loadAtStart;
            r.loadAtEnd = loadAverage();
            BenchReport.write(r, report, setup, sizes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Parts 1 and 2, batch size by batch size: the bare model's runs, then the job's in both delivery modes. */
    private static void throughput(Sizes sizes, BareModel bare, Pipeline pipeline, Results r, Path work,
                                   PrintStream log) throws Exception {
        for (int b : BATCHES) {
            int batches = Math.max(1, (sizes.bareImages() + b - 1) / b);
            bare.run(b, 1); // warm-up
            List<BareModel.Run> runs = new ArrayList<>();
            for (int i = 0; i < sizes.runs(); i++) {
                runs.add(bare.run(b, batches));
            }
            r.bare.put(b, runs);
            double path = Spread.of(runs.stream().mapToDouble(BareModel.Run::pathImagesPerSecond).toArray()).median();
            log.printf(Locale.ROOT, "bench: bare model, batch %d: forward %.1f images/s, whole path %.1f images/s%n", b,
                    Spread.of(runs.stream().mapToDouble(BareModel.Run::forwardImagesPerSecond).toArray()).median(), path);
            int perSegment = Math.max(2 * b, (int) Math.round(path * sizes.segmentSeconds()));
            for (StreamConfig.Delivery d : StreamConfig.Delivery.values()) {
                Pipeline.Settings settings = new Pipeline.Settings(b, d, 1, Duration.ofMillis(sizes.checkpointMs()));
                Profile.Summary[] profile = new Profile.Summary[1];
                Path jfr = work.resolve("pipeline-" + b + "-" + d + ".jfr");
                double[] rates = pipeline.throughput(settings, perSegment, sizes.runs(),
                        job -> profile[0] = Profile.of(job, jfr));
                Profile.deleteQuietly(jfr);
                r.pipeline.put(key(b, d), rates);
                r.profiles.put(key(b, d), profile[0]);
                log.printf(Locale.ROOT, "bench: pipeline, batch %d, %s: %s results/s%n", b, settings.deliveryName(),
                        Spread.of(rates).text("%.1f"));
            }
        }
    }

    /**
     * Part 1's grounded row: the default network with the COCO detector's prior channel, at batch 1 and 8. Skipped,
     * with the reason in the report, where the detector's files are not found.
     */
    private static void grounded(Sizes sizes, Results r, ModelConfig defaults, List<Example> traffic, Path work,
                                 PrintStream log) {
        String prior;
        try {
            prior = DetectorPrior.resolveId("coco-detector");
        } catch (RuntimeException e) {
            r.groundedSkipped = e.getMessage();
            log.println("bench: grounded model skipped: " + e.getMessage());
            return;
        }
        Path model = BenchModels.create(defaults.toBuilder().prior(prior).build(), work.resolve("grounded-64"));
        try (BareModel bare = new BareModel(model, traffic)) {
            for (int b : new int[] {1, LATENCY_BATCH}) {
                int batches = Math.max(1, (sizes.bareImages() + b - 1) / b);
                bare.run(b, 1); // warm-up: the detector's session and the MiniLM class matcher
                List<BareModel.Run> runs = new ArrayList<>();
                for (int i = 0; i < sizes.runs(); i++) {
                    runs.add(bare.run(b, batches));
                }
                r.grounded.put(b, runs);
                log.printf(Locale.ROOT, "bench: grounded model, batch %d: whole path %s images/s%n", b,
                        Spread.of(runs.stream().mapToDouble(BareModel.Run::pathImagesPerSecond).toArray()).text("%.1f"));
            }
        }
    }

    /** Part 4, at batch 8 in both modes, against the maximum rate part 2 measured for that mode. */
    private static void latency(Sizes sizes, Pipeline pipeline, Results r, Path work, PrintStream log) {
        for (StreamConfig.Delivery d : StreamConfig.Delivery.values()) {
            double max = Spread.of(r.pipeline.get(key(LATENCY_BATCH, d))).median();
            Pipeline.Settings settings = new Pipeline.Settings(LATENCY_BATCH, d, 1,
                    Duration.ofMillis(sizes.checkpointMs()));
            log.printf(Locale.ROOT, "bench: latency, %s, up to %.1f requests/s%n", settings.deliveryName(), max);
            List<List<Pipeline.LatencySegments>> steps = new ArrayList<>();
            Path jfr = work.resolve("latency-" + d + ".jfr");
            r.latencyProfiles.put(d, Profile.of(() -> {
                try {
                    steps.add(pipeline.latency(settings, max, LOADS, sizes.runs(),
                            Duration.ofMillis((long) (sizes.latencySeconds() * 1000))));
                } catch (Exception e) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
                }
            }, jfr));
            Profile.deleteQuietly(jfr);
            r.latency.put(d, steps.get(0));
        }
        r.checkpointMs = sizes.checkpointMs();
        r.batchWaitMs = StreamConfig.builder().build().batchWait().toMillis();
    }

    /** Part 5: one subtask with two intra-op threads against two subtasks with one each. */
    private static void parallelism(Sizes sizes, Pipeline pipeline, Results r, int threads, Path work,
                                    PrintStream log) throws Exception {
        int perSegment = (int) Math.max(4 * LATENCY_BATCH, Math.round(
                Spread.of(r.pipeline.get(key(LATENCY_BATCH, StreamConfig.Delivery.AT_LEAST_ONCE))).median()
                        * sizes.segmentSeconds()));
        for (int p : new int[] {1, 2}) {
            // Each batcher thread takes the intra-op count set when it first runs an operation.
            JniUtils.setNumThreads(2 / p);
            Pipeline.Settings settings = new Pipeline.Settings(LATENCY_BATCH, StreamConfig.Delivery.AT_LEAST_ONCE, p,
                    Duration.ofMillis(sizes.checkpointMs()));
            Profile.Summary[] profile = new Profile.Summary[1];
            Path jfr = work.resolve("parallelism-" + p + ".jfr");
            double[] rates = pipeline.throughput(settings, perSegment, sizes.runs(),
                    job -> profile[0] = Profile.of(job, jfr));
            Profile.deleteQuietly(jfr);
            r.parallelism.put(p, rates);
            r.parallelismProfiles.put(p, profile[0]);
            log.printf(Locale.ROOT, "bench: parallelism %d x %d threads: %s results/s%n", p, 2 / p,
                    Spread.of(rates).text("%.1f"));
        }
        JniUtils.setNumThreads(threads);
    }

    /** Part 5: the bare model as the input image and the instruction grow. */
    private static void scaling(Sizes sizes, Results r, Path work, PrintStream log) {
        for (int s : sizes.imageSizes()) {
            List<Example> traffic = BenchModels.traffic(s, 8);
            Path model = BenchModels.create(BenchModels.defaultConfig(s, 16, traffic), work.resolve("model-" + s));
            r.imageSizes.put(s, bareRuns(sizes, () -> new BareModel(model, traffic)));
            log.printf(Locale.ROOT, "bench: %d px done%n", s);
        }
        for (int t : TOKENS) {
            List<Example> traffic = longInstructions(BenchModels.traffic(64, 8), t);
            Path model = BenchModels.create(BenchModels.defaultConfig(64, t, traffic), work.resolve("tokens-" + t));
            r.tokens.put(t, bareRuns(sizes, () -> new BareModel(model, traffic)));
            log.printf(Locale.ROOT, "bench: %d tokens done%n", t);
        }
    }

    private static List<BareModel.Run> bareRuns(Sizes sizes, Supplier<BareModel> bare) {
        int batches = Math.max(1, sizes.bareImages() / 2 / LATENCY_BATCH);
        try (BareModel m = bare.get()) {
            m.run(LATENCY_BATCH, 1);
            List<BareModel.Run> runs = new ArrayList<>();
            for (int i = 0; i < sizes.runs(); i++) {
                runs.add(m.run(LATENCY_BATCH, batches));
            }
            return runs;
        }
    }

    /** Each instruction repeated until it has {@code words} words: the model reads at most that many. */
    static List<Example> longInstructions(List<Example> traffic, int words) {
        List<Example> out = new ArrayList<>();
        for (Example e : traffic) {
            List<String> all = new ArrayList<>();
            String[] own = e.instruction().split(" ");
            while (all.size() < words) {
                all.add(own[all.size() % own.length]);
            }
            out.add(new Example(e.id(), e.image(), String.join(" ", all), e.mask()));
        }
        return out;
    }

    /** Part 6: the soak's resident memory curve (its tiny model), and memory per loaded default model. */
    private static void memory(Sizes sizes, Results r, ModelConfig defaults, Path model, List<Example> traffic,
                               Path work, PrintStream log) throws IOException {
        List<Example> small = BenchModels.traffic(32, 16);
        ModelConfig tiny = ModelConfig.builder().inputSize(32).dim(16).layers(1).heads(2).maxTokens(8)
                .vocabulary(BenchModels.defaultConfig(32, 8, small).vocabulary()).build();
        Path soakModel = BenchModels.create(tiny, work.resolve("soak-model"));
        long start = System.nanoTime();
        r.soak = MemoryUse.soak(soakModel, small, 16, sizes.soakEvents(), sizes.soakEvery(),
                s -> log.printf(Locale.ROOT, "bench: soak %d events, RSS %d MB%n", s.events(), s.rssKb() / 1024));
        r.soakSeconds = (System.nanoTime() - start) / 1e9;
        r.soakConfig = tiny;
        List<Path> versions = new ArrayList<>();
        for (int v = 1; v <= 3; v++) {
            Path copy = work.resolve("version-" + v);
            BenchModels.create(defaults.toBuilder().version("v" + v).build(), copy);
            versions.add(copy);
        }
        r.perVersion = MemoryUse.perVersion(versions, traffic);
    }

    static String key(int batch, StreamConfig.Delivery d) {
        return batch + "/" + (d == StreamConfig.Delivery.EXACTLY_ONCE ? "exactly-once" : "at-least-once");
    }

    /** "1.93, 1.40, 0.77 (1, 5, 15 minutes)" on Linux; the 1-minute figure elsewhere. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2] + " (1, 5, 15 minutes)";
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f (1 minute)",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Everything measured, for the report. */
    static final class Results {
        int threads;
        String loadAtStart;
        String loadAtEnd;
        long checkpointMs;
        long batchWaitMs;
        final Map<Integer, List<BareModel.Run>> bare = new LinkedHashMap<>();
        final Map<Integer, List<BareModel.Run>> grounded = new LinkedHashMap<>();
        String groundedSkipped;
        final Map<String, double[]> pipeline = new LinkedHashMap<>();
        final Map<String, Profile.Summary> profiles = new LinkedHashMap<>();
        final Map<StreamConfig.Delivery, List<Pipeline.LatencySegments>> latency = new LinkedHashMap<>();
        final Map<StreamConfig.Delivery, Profile.Summary> latencyProfiles = new LinkedHashMap<>();
        final Map<Integer, double[]> parallelism = new LinkedHashMap<>();
        final Map<Integer, Profile.Summary> parallelismProfiles = new LinkedHashMap<>();
        final List<TorchComparison.Result> torch = new ArrayList<>();
        final Map<Integer, List<BareModel.Run>> imageSizes = new LinkedHashMap<>();
        final Map<Integer, List<BareModel.Run>> tokens = new LinkedHashMap<>();
        List<InferenceSoak.Sample> soak;
        double soakSeconds;
        ModelConfig soakConfig;
        List<MemoryUse.Loaded> perVersion;
    }
}
