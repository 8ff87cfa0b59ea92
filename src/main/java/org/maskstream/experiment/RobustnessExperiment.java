package org.maskstream.experiment;

import org.maskstream.data.Corruptions;
import org.maskstream.data.Example;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.FrozenTextModel;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.train.Augmentation;
import org.maskstream.train.Evaluator;
import org.maskstream.train.TrainOptions;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Does the model learn the task or the generator? Trains the {@code train} defaults with several training seeds on
 * the synthetic benchmark, each within a time budget, then scores every model on the clean held-out test scenes and
 * on each {@link Perturbation} of them, one at a time. Writes {@code robustness.md} and {@code robustness.json}.
 */
public final class RobustnessExperiment {
    public static final String NAME = "robustness";
    /** The bar: a perturbation costs at most this much mean fg IoU against the clean test scenes. */
    public static final double MAX_DROP = 0.10;
    /** Issue 18's bar on clean test scenes, for every training seed. */
    public static final double CLEAN_BAR = 0.80;
    /** Training time per model of the full run. */
    public static final Duration FULL_TIME = Duration.ofMinutes(15);
    public static final Duration QUICK_TIME = Duration.ofMinutes(1);
    public static final int SEEDS = 3;
    /** As the README's benchmark recipe generates its training set ({@code --instructions-per-scene 3}). */
    static final int TRAIN_INSTRUCTIONS_PER_SCENE = 3;
    /** JPEG qualities (percent) milder than the perturbation's, scored to show where the model breaks. */
    static final List<Integer> JPEG_CURVE = List.of(95, 75, 50);
    /** Examples the speed check trains and serves. */
    private static final int SPEED_EXAMPLES = 400;

    private RobustnessExperiment() {
    }

    /** The README's benchmark sizes with the {@code train} defaults (64 px, 24 epochs, batch 32, d = 64). */
    public static Budget fullBudget() {
        TrainOptions d = TrainOptions.builder().build();
        return new Budget(d.model().inputSize(), 2000, 300, 500, d.epochs(), d.batchSize(), d.model().dim(), 1,
                d.learningRate());
    }

    public static Budget quickBudget() {
        return new Budget(32, 96, 32, 48, 1, 16, 16, 1, 1e-3f);
    }

    /**
     * A way of training the models: the defaults, or the defaults with augmentations.
     *
     * @param options changes to the budget's training options
     */
    public record Arm(String name, String description, UnaryOperator<TrainOptions.Builder> options) {
        /** This arm with another text encoder ({@code scratch}, {@code minilm}, {@code e5-small}). */
        public Arm withTextEncoder(String textEncoder) {
            return new Arm(name + ", text encoder " + textEncoder, description + ", with the text encoder `"
                    + textEncoder + "`", b -> options.apply(b).model(c -> c.textEncoder(textEncoder)));
        }
    }

    public static final Arm DEFAULTS = new Arm("defaults", "the `train` defaults: augmentations `"
            + String.join(",", Augmentation.DEFAULTS.stream().map(Augmentation::id).toList())
            + "` (the held-out background texture is another family than the training one), rephrased instructions"
            + " (`--paraphrase`, a synonym table that shares no content word with the test paraphrases) and"
            + " `--curriculum loss`", b -> b);
    /** The defaults before issue 18, for comparison. */
    public static final Arm BEFORE = new Arm("before", "the `train` defaults before issue 18: `--augment none"
            + " --no-paraphrase --curriculum none --text-encoder scratch`",
            TrainOptions.Builder::withoutRobustnessDefaults);

    /**
     * One trained model's scores.
     *
     * @param byKind    each perturbation's scores split by the reference kind of the scene ({@code colour},
     *                  {@code position}, {@code size}); they merge into {@code scores}
     * @param jpegCurve the clean scenes through JPEG at each of {@link #JPEG_CURVE}'s qualities (percent)
     * @param input32NearestTruth {@link Perturbation#INPUT_32} scored against truth masks resized by nearest
     *                  neighbour, as the reports before coverage-resized truth were; null without a model
     */
    public record SeedRun(long trainSeed, Map<String, Object> options, double trainSeconds, int epochs,
                          boolean timeLimited, String divergence, Map<Perturbation, IouCounts> scores,
                          Map<Perturbation, Map<String, IouCounts>> byKind, Map<Integer, IouCounts> jpegCurve,
                          IouCounts input32NearestTruth) {
        boolean hasScores() {
            return !scores.isEmpty();
        }
    }

    /** One perturbation over the seeds of one arm. */
    public record Row(Perturbation perturbation, List<Double> fgIou, double mean, double min, double max,
                      double drop) {
        boolean withinBar() {
            return !Double.isNaN(drop) && drop <= MAX_DROP;
        }
    }

    /**
     * @param perModel training time of each model, measured for that training alone
     * @param seeds    training seeds {@code budget.seed()}, {@code budget.seed() + 1}, ...
     * @return per arm, its rows in {@link Perturbation} order
     */
    public static Map<String, List<Row>> run(Budget budget, Duration perModel, int seeds, List<Arm> arms,
                                             Setup setup) {
        if (seeds < 1) {
            throw new IllegalArgumentException("at least one training seed, got " + seeds);
        }
        Report report = new Report(NAME, setup);
        PrintStream log = setup.log();
        SyntheticSplits data = budget.data(TRAIN_INSTRUCTIONS_PER_SCENE);
        long testSeed = SyntheticSplits.testSeed(budget.seed());
        Perturbation.TestScenes test = Perturbation.TestScenes.generate(budget.size(), testSeed, budget.test());
        Map<Perturbation, Perturbation.Perturbed> sets = new EnumMap<>(Perturbation.class);
        Map<Perturbation, Map<Example, String>> kinds = new EnumMap<>(Perturbation.class);
        for (Perturbation p : Perturbation.values()) {
            sets.put(p, p.apply(test, testSeed));
            kinds.put(p, referenceKinds(sets.get(p).examples(), test));
        }
        Map<Integer, List<Example>> jpegSets = new LinkedHashMap<>();
        for (int quality : JPEG_CURVE) {
            jpegSets.put(quality, test.clean().stream().map(e -> new Example(e.id() + "#jpeg" + quality,
                    Corruptions.jpeg(e.image(), quality / 100f), e.instruction(), e.mask())).toList());
        }
        List<Example> input32 = sets.get(Perturbation.INPUT_32).examples();
        List<Example> input32NearestTruth = IntStream.range(0, input32.size()).mapToObj(i -> {
            Example e = input32.get(i);
            return new Example(e.id() + "-nearest-truth", e.image(), e.instruction(),
                    test.clean().get(i).mask().resize(e.mask().width(), e.mask().height()));
        }).toList();
        Map<String, List<SeedRun>> runs = new LinkedHashMap<>();
        for (Arm arm : arms) {
            List<SeedRun> armRuns = new ArrayList<>();
            for (int k = 0; k < seeds; k++) {
                long trainSeed = budget.seed() + k;
                log.printf(Locale.ROOT, "%s: %s, training seed %d (%s, at most %s)%n", NAME, arm.name(), trainSeed,
                        budget.describe(), shortForm(perModel));
                Path dir = setup.workDir().resolve(arm.name() + "-seed-" + trainSeed);
                // each seed's time budget pays the text encoder as a `train` run of its own would
                FrozenTextEncoder.clearCache();
                TrainOptions opts = arm.options().apply(budget.trainDefaults().seed(trainSeed).timeLimit(perModel))
                        .build();
                ModelRuns.Training training = ModelRuns.train(data.train(), data.val(), opts, dir, log, setup.reuse());
                Map<Perturbation, IouCounts> scores = new EnumMap<>(Perturbation.class);
                Map<Perturbation, Map<String, IouCounts>> byKind = new EnumMap<>(Perturbation.class);
                Map<Integer, IouCounts> jpegCurve = new LinkedHashMap<>();
                IouCounts nearestTruth = null;
                if (training.hasModel()) {
                    try (MaskModel model = SavedModel.load(dir)) {
                        for (Perturbation p : Perturbation.values()) {
                            Map<String, IouCounts> split = new TreeMap<>();
                            Map<Example, String> kindOf = kinds.get(p);
                            scores.put(p, Evaluator.evaluate(model, sets.get(p).examples(),
                                    (e, mask, counts) -> split.merge(kindOf.get(e), counts, IouCounts::merge), null));
                            byKind.put(p, split);
                        }
                        jpegSets.forEach((quality, examples) ->
                                jpegCurve.put(quality, Evaluator.evaluate(model, examples)));
                        nearestTruth = Evaluator.evaluate(model, input32NearestTruth);
                    }
                    log.printf(Locale.ROOT, "%s: %s seed %d: fg IoU %.3f clean%n", NAME, arm.name(), trainSeed,
                            scores.get(Perturbation.CLEAN).fgIou());
                }
                armRuns.add(new SeedRun(trainSeed, opts.describe(), training.result().seconds(), training.result().history().size(),
                        training.result().stoppedEarly(), training.divergence(), scores, byKind, jpegCurve,
                        nearestTruth));
            }
            runs.put(arm.name(), armRuns);
        }
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        runs.forEach((arm, armRuns) -> rows.put(arm, rows(armRuns)));
        String encoderId = arms.get(0).options().apply(budget.trainDefaults()).build().model().textEncoder();
        FrozenTextModel.Weights frozen = FrozenTextEncoder.weightsOf(encoderId);
        List<EncoderVocabulary.Row> vocabulary = frozen == null ? List.of()
                : EncoderVocabulary.measure(FrozenTextModel.shared(frozen));
        int speedExamples = Math.min(SPEED_EXAMPLES, Math.min(data.train().size(), test.clean().size()));
        List<DefaultsSpeed.Row> speed = DefaultsSpeed.measure(arms.get(0).options(),
                data.train().subList(0, speedExamples),
                test.clean().subList(0, speedExamples), setup.workDir(), log);
        write(setup, budget, perModel, arms, data, sets, runs, rows, speed, speedExamples, encoderId, vocabulary,
                report);
        return rows;
    }

    /** Mean, min and max fg IoU over the seeds that left a model, and the mean's drop from clean. */
    static List<Row> rows(List<SeedRun> runs) {
        List<Row> rows = new ArrayList<>();
        double clean = Double.NaN;
        for (Perturbation p : Perturbation.values()) {
            List<Double> values = runs.stream().filter(SeedRun::hasScores).map(r -> r.scores().get(p).fgIou())
                    .toList();
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            if (p == Perturbation.CLEAN) {
                clean = mean;
            }
            rows.add(new Row(p, values, mean,
                    values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), clean - mean));
        }
        return rows;
    }

    /** Each example's reference kind, by identity: the perturbed examples are in the test scenes' order. */
    private static Map<Example, String> referenceKinds(List<Example> examples, Perturbation.TestScenes test) {
        Map<Example, String> kinds = new IdentityHashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            kinds.put(examples.get(i), test.scenes().get(i).reference().kind());
        }
        return kinds;
    }

    /** How many test scenes have each reference kind, from the first seed that left scores. */
    private static Map<String, Long> kindCounts(List<SeedRun> runs) {
        Map<String, Long> counts = new TreeMap<>();
        runs.stream().filter(SeedRun::hasScores).findFirst().ifPresent(r ->
                r.byKind().get(Perturbation.CLEAN).forEach((kind, c) -> counts.put(kind, c.n())));
        return counts;
    }

    /** Mean fg IoU over the seeds of each perturbation, split by the reference kind of the scene. */
    static String byKindTable(List<SeedRun> runs, Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        List<String> header = new ArrayList<>(List.of("perturbation"));
        counts.forEach((kind, n) -> header.add(kind + " references (" + n + ")"));
        Markdown table = new Markdown(header.toArray(String[]::new));
        for (Perturbation p : Perturbation.values()) {
            List<Object> cells = new ArrayList<>(List.of(p.label()));
            for (String kind : counts.keySet()) {
                cells.add(runs.stream().filter(SeedRun::hasScores).map(r -> r.byKind().get(p).get(kind))
                        .filter(Objects::nonNull).mapToDouble(IouCounts::fgIou).average()
                        .orElse(Double.NaN));
            }
            table.row(cells.toArray());
        }
        return "Fg IoU by what the instruction's reference names (mean over the seeds): a colour (\"the blue star\"),"
                + " a position (\"the left circle\") or a size (\"the largest square\").\n\n" + table + "\n";
    }

    /** Mean fg IoU over the seeds at each JPEG quality, the perturbation's own last. */
    static String jpegTable(List<SeedRun> runs, List<Row> rows) {
        List<SeedRun> scored = runs.stream().filter(SeedRun::hasScores).toList();
        if (scored.isEmpty()) {
            return "";
        }
        double clean = rows.get(0).mean();
        Markdown table = new Markdown("JPEG quality", "fg IoU, mean", "drop from clean");
        for (int quality : JPEG_CURVE) {
            double mean = scored.stream().mapToDouble(r -> r.jpegCurve().get(quality).fgIou()).average()
                    .orElse(Double.NaN);
            table.row(quality, mean, clean - mean);
        }
        Row jpeg = rows.stream().filter(r -> r.perturbation() == Perturbation.JPEG).findFirst().orElseThrow();
        table.row(Math.round(Perturbation.Constants.JPEG_QUALITY * 100) + " (the perturbation)", jpeg.mean(),
                jpeg.drop());
        return "The clean test scenes through milder JPEG: where the model starts to lose the objects.\n\n" + table
                + "\n";
    }

    /** The 32 px row again with nearest-neighbour truth masks, so the reports before coverage compare. */
    static String nearestTruthSentence(List<SeedRun> runs, List<Row> rows) {
        List<SeedRun> scored = runs.stream().filter(SeedRun::hasScores).toList();
        if (scored.isEmpty()) {
            return "";
        }
        double mean = scored.stream().mapToDouble(r -> r.input32NearestTruth().fgIou()).average().orElse(Double.NaN);
        Row input32 = rows.stream().filter(r -> r.perturbation() == Perturbation.INPUT_32).findFirst().orElseThrow();
        return String.format(Locale.ROOT, "The 32 px truth masks are resized by coverage, the 2x2 blocks the image's"
                + " bilinear downscale averages and the prediction's bilinear resize is centred on. Resized by"
                + " nearest neighbour instead, as in the reports before this one (one pixel of each block, half a"
                + " source pixel off those centres), the same predictions score fg IoU %.3f, a drop of %.3f"
                + " (by coverage: %.3f, a drop of %.3f).%n%n", mean, rows.get(0).mean() - mean, input32.mean(),
                input32.drop());
    }

    /** Whether every seed reached {@link #CLEAN_BAR} on clean scenes and, if not, by how much the worst missed. */
    static String cleanBarSentence(List<SeedRun> runs) {
        List<Double> clean = runs.stream().filter(SeedRun::hasScores)
                .map(r -> r.scores().get(Perturbation.CLEAN).fgIou()).toList();
        if (clean.size() < runs.size()) {
            return String.format(Locale.ROOT, "**Clean bar (fg IoU >= %.2f for every seed): not met, a seed has no"
                    + " score.**", CLEAN_BAR);
        }
        double worst = clean.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        long reached = clean.stream().filter(v -> v >= CLEAN_BAR).count();
        return worst >= CLEAN_BAR
                ? String.format(Locale.ROOT, "**Clean bar (fg IoU >= %.2f for every seed): met by all %d seeds.**",
                        CLEAN_BAR, clean.size())
                : String.format(Locale.ROOT, "**Clean bar (fg IoU >= %.2f for every seed): %d of %d seeds reach it;"
                        + " the worst misses by %.3f.**", CLEAN_BAR, reached, clean.size(), CLEAN_BAR - worst);
    }

    /** {@code 15m}, {@code 1m30s}: the form the command line takes. */
    static String shortForm(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static void write(Setup setup, Budget budget, Duration perModel, List<Arm> arms, SyntheticSplits data,
                              Map<Perturbation, Perturbation.Perturbed> sets, Map<String, List<SeedRun>> runs,
                              Map<String, List<Row>> rows, List<DefaultsSpeed.Row> speed, int speedExamples,
                              String encoderId, List<EncoderVocabulary.Row> vocabulary, Report report) {
        Map<String, Object> json = report.json(Map.of("data", data.describe(), "budget", budget,
                "time_per_model", shortForm(perModel), "seeds", runs.values().iterator().next().size()));
        Map<String, Object> perturbations = new LinkedHashMap<>();
        for (Perturbation p : Perturbation.values()) {
            perturbations.put(p.key(), Map.of("label", p.label(), "description", p.description(),
                    "unchanged_examples", sets.get(p).unchanged()));
        }
        json.put("perturbations", perturbations);
        List<Map<String, Object>> armsJson = new ArrayList<>();
        for (Arm arm : arms) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("arm", arm.name());
            a.put("description", arm.description());
            List<Map<String, Object>> models = new ArrayList<>();
            for (SeedRun r : runs.get(arm.name())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("train_seed", r.trainSeed());
                m.put("options", r.options());
                m.put("train_seconds", r.trainSeconds());
                m.put("epochs", r.epochs());
                m.put("stopped_by_time_limit", r.timeLimited());
                m.put("diverged", r.divergence());
                Map<String, Object> scores = new LinkedHashMap<>();
                r.scores().forEach((p, c) -> scores.put(p.key(), c.asMap()));
                m.put("scores", scores);
                Map<String, Object> byKind = new LinkedHashMap<>();
                r.byKind().forEach((p, split) -> {
                    Map<String, Object> kinds = new LinkedHashMap<>();
                    split.forEach((kind, c) -> kinds.put(kind, c.asMap()));
                    byKind.put(p.key(), kinds);
                });
                m.put("scores_by_reference_kind", byKind);
                Map<String, Object> jpeg = new LinkedHashMap<>();
                r.jpegCurve().forEach((quality, c) -> jpeg.put(String.valueOf(quality), c.asMap()));
                m.put("jpeg_quality_curve", jpeg);
                m.put("input_32_nearest_truth", r.input32NearestTruth() == null ? null
                        : r.input32NearestTruth().asMap());
                models.add(m);
            }
            a.put("models", models);
            List<Map<String, Object>> rowsJson = new ArrayList<>();
            for (Row row : rows.get(arm.name())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("perturbation", row.perturbation().key());
                m.put("fg_iou_per_seed", row.fgIou());
                m.put("fg_iou_mean", row.mean());
                m.put("fg_iou_min", row.min());
                m.put("fg_iou_max", row.max());
                m.put("drop_from_clean", row.drop());
                m.put("within_" + MAX_DROP, row.withinBar());
                rowsJson.add(m);
            }
            a.put("rows", rowsJson);
            armsJson.add(a);
        }
        json.put("arms", armsJson);
        json.put("speed", speed.stream().map(DefaultsSpeed.Row::asMap).toList());
        if (!vocabulary.isEmpty()) {
            json.put("text_encoder_vocabulary", Map.of("text_encoder", encoderId, "known_share",
                    EncoderVocabulary.knownShare(vocabulary),
                    "categories", vocabulary.stream().map(EncoderVocabulary.Row::asMap).toList()));
        }

        StringBuilder md = new StringBuilder();
        md.append(report.markdownHeader("Robustness: " + (arms.size() > 1 ? "the default model with and without"
                + " training augmentations" : "the default model") + " on held-out perturbations of the test scenes"));
        md.append("- **Budget:** ").append(budget.describe()).append("; training seeds ").append(budget.seed())
                .append(" to ").append(budget.seed() + runs.values().iterator().next().size() - 1)
                .append(" (the data stay the same), each model at most ").append(shortForm(perModel))
                .append(" of training, timed alone.\n");
        md.append(String.format(Locale.ROOT, "- **Test sets:** the same %d held-out scenes (seed %d), each"
                + " perturbation applied alone to the test images or instructions only; training sees none of"
                + " them.%n%n", data.test().size(), SyntheticSplits.testSeed(budget.seed())));
        Markdown what = new Markdown("perturbation", "what it does");
        for (Perturbation p : Perturbation.values()) {
            what.row(p.label(), p.description());
        }
        md.append(what).append('\n');
        int unrotated = sets.get(Perturbation.ROTATION).unchanged();
        if (unrotated > 0) {
            md.append(String.format(Locale.ROOT, "No allowed rotation kept the instruction true for %d of the %d"
                    + " scenes; those are scored unrotated.%n%n", unrotated, data.test().size()));
        }
        for (Arm arm : arms) {
            md.append("## ").append(arm.name()).append(": ").append(arm.description()).append("\n\n");
            Markdown models = new Markdown("training seed", "epochs", "train time", "fg IoU, clean", "note");
            for (SeedRun r : runs.get(arm.name())) {
                models.row(r.trainSeed(), r.epochs(), String.format(Locale.ROOT, "%.0f s", r.trainSeconds()),
                        r.hasScores() ? r.scores().get(Perturbation.CLEAN).fgIou() : Double.NaN,
                        r.divergence() != null ? "diverged: " + r.divergence()
                                : r.timeLimited() ? "stopped by the time limit" : "");
            }
            md.append(models).append('\n');
            md.append(cleanBarSentence(runs.get(arm.name()))).append("\n\n");
            Markdown table = new Markdown("perturbation", "fg IoU, mean", "min - max", "drop from clean",
                    "drop <= " + MAX_DROP);
            for (Row row : rows.get(arm.name())) {
                table.row(row.perturbation().label(), row.mean(),
                        Markdown.number(row.min()) + " - " + Markdown.number(row.max()),
                        row.perturbation() == Perturbation.CLEAN ? "" : row.drop(),
                        row.perturbation() == Perturbation.CLEAN ? "" : row.withinBar() ? "yes" : "**no**");
            }
            md.append(table).append('\n');
            long within = rows.get(arm.name()).stream().skip(1)
                    .filter(r -> r.perturbation() != Perturbation.OTHER_INSTRUCTION && r.withinBar()).count();
            md.append(String.format(Locale.ROOT, "**%d of %d perturbations that keep the instruction true cost"
                            + " at most %.2f fg IoU.** Another scene's instruction should cost much more: it"
                            + " measures how far the masks follow the words at all.%n%n", within,
                    Perturbation.values().length - 2, MAX_DROP));
            md.append(byKindTable(runs.get(arm.name()), kindCounts(runs.get(arm.name()))));
            md.append(jpegTable(runs.get(arm.name()), rows.get(arm.name())));
            md.append(nearestTruthSentence(runs.get(arm.name()), rows.get(arm.name())));
        }
        if (!vocabulary.isEmpty()) {
            md.append(EncoderVocabulary.markdown(encoderId, vocabulary));
        }
        md.append("## Speed: the demo model with the defaults from before and from now\n\n");
        md.append(String.format(Locale.ROOT, "The demo's architecture (`DemoModel.recipe`) trained briefly with each"
                + " set of defaults on %d of the training examples, then served the same %d test requests in"
                + " micro-batches of %d (3 passes; later passes: the median of passes 2 and 3) and fine-tuned as the"
                + " retraining loop does (`Retrainer.fineTuning`, second epoch timed); the fine-tuned model then"
                + " served the requests once more, as a version the job swaps in would. \"Now\" is the first arm"
                + " above (%s). With a pretrained text encoder, a request whose instruction no model in the process"
                + " has encoded yet pays one encoder pass (the first pass); the states are cached per process, so"
                + " repeated instructions and swapped-in versions do not. Same run, same machine.%n%n",
                speedExamples, speedExamples, DefaultsSpeed.MICRO_BATCH, arms.get(0).name()));
        Markdown speedTable = new Markdown("cost", "ms before", "ms now", "now / before",
                "<= " + DefaultsSpeed.MAX_SLOWDOWN);
        for (DefaultsSpeed.Row r : speed) {
            speedTable.row(r.what(), r.before(), r.now(), r.ratio(), r.withinBar() ? "yes" : "**no**");
        }
        md.append(speedTable).append('\n');
        md.append(report.markdownFooter(setup.baseName()));
        Report.write(setup.outDir(), setup.baseName(), json, md.toString());
    }
}
