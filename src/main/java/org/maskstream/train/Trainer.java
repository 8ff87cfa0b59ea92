package org.maskstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.maskstream.data.Example;
import org.maskstream.model.Batches;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskLoss;
import org.maskstream.model.MaskNet;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.PreparedExample;
import org.maskstream.model.PriorSource;
import org.maskstream.model.PriorSources;
import org.maskstream.model.SavedModel;
import org.maskstream.model.TextEncoder;
import org.maskstream.model.Vocabulary;
import org.maskstream.util.Json;
import org.maskstream.util.LinePlot;
import org.maskstream.util.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Trains a {@link MaskNet} on labeled examples and saves it in the {@link SavedModel} form.
 *
 * <p>Adam with a linear warm-up then a cosine decay to 5% of the peak learning rate, element-wise gradient
 * clipping, and a NaN guard: a step whose loss or gradients are not finite is computed again, and when the rerun is
 * not finite either, training stops before the parameters see it, with a message saying what to change. Optional
 * {@link Stage curriculum stages} train on parts of the data first, each with its own warm-up and decay. Per epoch
 * (numbered across the stages): {@code metrics.jsonl} gets a line, {@code curves.png} is redrawn, a checkpoint goes
 * to {@code checkpoints/epoch-NNN/}, and the model with the best validation foreground IoU so far is saved in the
 * output folder itself (the last epoch's when there is no validation data). Deterministic on the CPU for a given
 * seed: the seed drives DJL's initialization, the shuffling, the flips and the shifts.
 */
public final class Trainer {
    public static final String METRICS_LINES = "metrics.jsonl";
    public static final String CURVES = "curves.png";
    public static final String CHECKPOINTS = "checkpoints";
    /** Examples per call of a prior source: one detector call each. */
    private static final int PRIOR_BATCH = 8;
    private static final float FINAL_LR_FRACTION = 0.05f;
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private Trainer() {
    }

    /**
     * @param train  labeled training examples, any image size
     * @param val    labeled validation examples (may be empty)
     * @param outDir the model folder to write (created; its previous model files are replaced)
     * @throws TrainingDivergedException when the loss stops being finite
     */
    public static TrainResult train(List<Example> train, List<Example> val, TrainOptions opts, Path outDir) {
        return train(train, val, opts, outDir, Map.of());
    }

    /**
     * @param manifestFields for each field a curriculum stage of {@code opts} names, the training examples' values
     *                       of it by example id
     * @throws IllegalArgumentException when a stage's field is missing or it selects no training example
     */
    public static TrainResult train(List<Example> train, List<Example> val, TrainOptions opts, Path outDir,
                                    Map<String, Map<String, String>> manifestFields) {
        requireLabeled(train, "training");
        requireLabeled(val, "validation");
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples: give at least one labeled example");
        }
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) opts.seed());
        Random random = new Random(opts.seed());
        Device device = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        List<Phase> phases = phases(train, opts, manifestFields);
        List<List<Example>> variants = variants(train, opts.flip());
        List<List<String>> rephrased = opts.paraphrase() ? rephrased(variants, opts.seed()) : List.of();
        try (Model model = Model.newInstance("maskstream", device)) {
            MaskNet net = network(opts, variants, rephrased, model.getNDManager());
            List<Augmentation> augmentations = opts.augmentationsFor(net.config().imageEncoder());
            if ((opts.shift() > 0 || !augmentations.isEmpty())
                    && !ModelConfig.SCRATCH.equals(net.config().imageEncoder())) {
                // TrainOptions checks this too, but cannot see the encoder of an --init-from model
                throw new IllegalArgumentException("--shift and --augment need the scratch image encoder; "
                        + opts.initFrom()
                        + " uses " + net.config().imageEncoder() + ", whose prepared input is not pixels");
            }
            model.setBlock(net);
            LOG.info("training {} / {} / {} (d={}, {} layers) on {} examples ({} validation) on {}",
                    net.config().fusion().id(), net.config().decoder().id(), opts.loss().id(), net.config().dim(),
                    net.config().layers(), train.size(), val.size(), device);
            boolean ownPrior = opts.initFrom() != null;
            List<List<PreparedExample>> trainSets = new ArrayList<>(variants.stream()
                    .map(v -> prepare(net, v, ownPrior, opts.seed())).toList());
            for (int v = 0; v < rephrased.size(); v++) {
                trainSets.add(withInstructions(net, trainSets.get(v), rephrased.get(v)));
            }
            List<PreparedExample> valSet = prepare(net, val, ownPrior, opts.seed());
            Files.createDirectories(outDir);
            Files.deleteIfExists(outDir.resolve(METRICS_LINES));
            return new Run(net, model, opts, augmentations, outDir, random, start).fit(phases, trainSets, valSet);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static void requireLabeled(List<Example> examples, String what) {
        for (Example e : examples) {
            if (!e.labeled()) {
                throw new IllegalArgumentException(what + " example " + e.id() + " has no mask: training needs"
                        + " labeled examples");
            }
        }
    }

    /** Part of the schedule: {@code epochs} passes over the training examples at {@code indices}. */
    private record Phase(String name, List<Integer> indices, int epochs) {
    }

    /** The curriculum stages in order, then the main epochs over every example. */
    private static List<Phase> phases(List<Example> train, TrainOptions opts,
                                      Map<String, Map<String, String>> manifestFields) {
        List<Phase> phases = new ArrayList<>();
        for (Stage stage : opts.stages()) {
            Map<String, String> values = manifestFields.get(stage.field());
            if (values == null) {
                throw new IllegalArgumentException("curriculum stage " + stage + " needs the training manifest's '"
                        + stage.field() + "' field, which was not read");
            }
            List<Integer> indices = IntStream.range(0, train.size())
                    .filter(i -> stage.value().equals(values.get(train.get(i).id()))).boxed().toList();
            if (indices.isEmpty()) {
                throw new IllegalArgumentException("curriculum stage " + stage + " selects no training example: the"
                        + " manifest's '" + stage.field() + "' values are " + new TreeSet<>(values.values()));
            }
            LOG.info("curriculum stage {}: {} of {} training examples", stage, indices.size(), train.size());
            phases.add(new Phase(stage.field() + "=" + stage.value(), indices, stage.epochs()));
        }
        phases.add(new Phase("all", IntStream.range(0, train.size()).boxed().toList(), opts.epochs()));
        return phases;
    }

    /**
     * The training set as seen by the network: itself and, with {@code flip}, its left/right, top/bottom and
     * both-ways mirrors (instructions rewritten); each step draws one variant per example.
     */
    private static List<List<Example>> variants(List<Example> train, boolean flip) {
        if (!flip) {
            return List.of(train);
        }
        List<Example> horizontal = train.stream().map(Mirror.HORIZONTAL::apply).toList();
        return List.of(train, horizontal, train.stream().map(Mirror.VERTICAL::apply).toList(),
                horizontal.stream().map(Mirror.VERTICAL::apply).toList());
    }

    /**
     * Each variant's instructions rephrased by {@link TrainingParaphrases}, one draw per example seeded by the
     * training seed and the example's id, so a rerun sees the same sentences.
     */
    private static List<List<String>> rephrased(List<List<Example>> variants, long seed) {
        return variants.stream().map(v -> v.stream().map(e -> TrainingParaphrases.rephrase(e.instruction(),
                new Random(seed * 31 + e.id().hashCode() + 17))).toList()).toList();
    }

    /** {@code prepared} with other instructions: the same image and mask arrays, only the text prepared again. */
    private static List<PreparedExample> withInstructions(MaskNet net, List<PreparedExample> prepared,
                                                          List<String> instructions) {
        List<TextEncoder.EncodedText> texts = net.textEncoder().prepareAll(instructions);
        return IntStream.range(0, prepared.size()).mapToObj(i -> new PreparedExample(prepared.get(i).image(),
                texts.get(i), prepared.get(i).mask())).toList();
    }

    /**
     * A fresh network with a vocabulary from every variant's instructions and their rephrasings, or the
     * {@code initFrom} one.
     */
    private static MaskNet network(TrainOptions opts, List<List<Example>> variants, List<List<String>> rephrased,
                                   NDManager manager) {
        if (opts.initFrom() != null) {
            LOG.info("fine-tuning from {} (its architecture and vocabulary are kept)", opts.initFrom());
            return SavedModel.loadNet(opts.initFrom(), manager);
        }
        List<String> instructions = new ArrayList<>();
        variants.forEach(v -> v.forEach(e -> instructions.add(e.instruction())));
        rephrased.forEach(instructions::addAll);
        ModelConfig config = opts.modelConfig(Vocabulary.build(instructions).words());
        return MaskNet.build(config);
    }

    private static List<PreparedExample> prepare(MaskNet net, List<Example> examples, boolean ownPrior, long seed) {
        List<float[]> priors = net.config().hasPrior() ? priors(net, examples, ownPrior, seed) : null;
        List<TextEncoder.EncodedText> texts = net.textEncoder().prepareAll(
                examples.stream().map(Example::instruction).toList());
        // Parallel: a frozen image encoder's prepare is the expensive part; each result is independent.
        return IntStream.range(0, examples.size()).parallel().mapToObj(i -> {
            Example e = examples.get(i);
            return Batches.prepare(net, e.image(), texts.get(i), e.mask(), priors == null ? null : priors.get(i));
        }).toList();
    }

    /**
     * The prior maps of a network with a prior channel. A new network learns from simulated detections: its
     * training data are synthetic scenes, which no COCO detector knows. A fine-tuned one ({@code --init-from}) reads
     * its own prior source, as it will when served: on photos, the detector's boxes of the named objects.
     */
    private static List<float[]> priors(MaskNet net, List<Example> examples, boolean own, long seed) {
        int size = net.config().inputSize();
        if (!own) {
            // one fixed draw per example (seeded by its id), so a rerun sees the same priors
            return examples.stream().map(e -> SimulatedDetections.prior(e.mask(), size,
                    new Random(seed * 31 + e.id().hashCode()))).toList();
        }
        LOG.info("computing the prior of {} examples with {}", examples.size(), net.config().prior());
        List<float[]> out = new ArrayList<>(examples.size());
        try (PriorSource source = PriorSources.open(net.config().prior())) {
            for (int from = 0; from < examples.size(); from += PRIOR_BATCH) {
                List<Example> part = examples.subList(from, Math.min(examples.size(), from + PRIOR_BATCH));
                out.addAll(source.priors(part.stream().map(Example::image).toList(),
                        part.stream().map(Example::instruction).toList(), size));
            }
        }
        return out;
    }

    /**
     * The learning rate at {@code step} (from 0): linear from 0 to {@code peak} over {@code warmup} steps, then a
     * cosine from {@code peak} to 5% of it at {@code total}.
     */
    static float learningRate(float peak, int warmup, int total, int step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = Math.min(1.0, (step - warmup) / (double) Math.max(1, total - warmup));
        double floor = peak * FINAL_LR_FRACTION;
        return (float) (floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** Pixel counts of thresholded logits against the batch's targets, merged over the batch. */
    static IouCounts countLogits(float[] logits, List<PreparedExample> batch, float threshold) {
        return perExample(logits, batch, threshold).stream().reduce(IouCounts.EMPTY, IouCounts::merge);
    }

    /** Pixel counts of thresholded logits against the batch's targets, one {@link IouCounts} per example. */
    static List<IouCounts> perExample(float[] logits, List<PreparedExample> batch, float threshold) {
        double cut = Math.log(threshold / (1.0 - threshold)); // sigmoid(x) >= t  <=>  x >= logit(t)
        int plane = logits.length / batch.size();
        List<IouCounts> counts = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            float[] truth = batch.get(b).mask();
            long tp = 0;
            long fp = 0;
            long fn = 0;
            for (int i = 0; i < plane; i++) {
                boolean p = logits[b * plane + i] >= cut;
                boolean t = truth[i] > 0.5f;
                if (p && t) {
                    tp++;
                } else if (p) {
                    fp++;
                } else if (t) {
                    fn++;
                }
            }
            counts.add(IouCounts.ofCounts(tp, fp, fn, plane - tp - fp - fn));
        }
        return counts;
    }

    /** The state of one training run. */
    /**
     * Draws {@code curves.png} of a trained model folder again from its {@code metrics.jsonl}, with the current
     * plotter (the run's loss named from its {@code metrics.json}).
     *
     * @throws IOException when the folder has no readable {@code metrics.jsonl}
     */
    public static Path replot(Path modelDir) throws IOException {
        Path lines = modelDir.resolve(METRICS_LINES);
        if (!Files.isRegularFile(lines)) {
            throw new IOException(lines + " not found: --replot takes the folder a `train` run wrote");
        }
        List<EpochMetrics> history = new ArrayList<>();
        for (String line : Files.readAllLines(lines)) {
            if (!line.isBlank()) {
                history.add(Json.LINES.readValue(line, EpochMetrics.class));
            }
        }
        if (history.isEmpty()) {
            throw new IOException(lines + " has no epochs");
        }
        String loss = "loss";
        Path summary = modelDir.resolve("metrics.json");
        if (Files.isRegularFile(summary)) {
            loss = Json.MAPPER.readTree(summary.toFile()).path("options").path("loss").asText("loss");
        }
        Path png = modelDir.resolve(CURVES);
        plotCurves(history, loss, png);
        return png;
    }

    /** The loss and foreground IoU per epoch, train and val, with a dashed mark where each curriculum stage starts. */
    private static void plotCurves(List<EpochMetrics> history, String lossId, Path png) {
        double[] x = history.stream().mapToDouble(EpochMetrics::epoch).toArray();
        LinePlot lossPlot = new LinePlot("loss (" + lossId + ")", "epoch", "loss")
                .series("train", x, history.stream().mapToDouble(EpochMetrics::trainLoss).toArray())
                .series("val", x, history.stream().mapToDouble(m -> orNaN(m.valLoss())).toArray());
        LinePlot iouPlot = new LinePlot("foreground IoU", "epoch", "IoU")
                .series("train", x, history.stream().mapToDouble(EpochMetrics::trainFgIou).toArray())
                .series("val", x, history.stream().mapToDouble(m -> orNaN(m.valFgIou())).toArray());
        for (int i = 0; i < history.size(); i++) {
            String stage = history.get(i).stage();
            if (i == 0 ? history.stream().anyMatch(m -> !m.stage().equals(stage))
                    : !stage.equals(history.get(i - 1).stage())) {
                lossPlot.mark(x[i], stage);
                iouPlot.mark(x[i], stage);
            }
        }
        LinePlot.writeStacked(png, 640, 320, lossPlot, iouPlot);
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static final class Run {
        private final MaskNet net;
        private final Model model;
        private final TrainOptions opts;
        private final List<Augmentation> augmentations;
        /** Each augmentation's chance per example ({@link Augmentation#probability}). */
        private final double augmentationProbability;
        private final Path outDir;
        private final Random random;
        private final long start;
        private final MaskLoss loss;
        private final List<EpochMetrics> history = new ArrayList<>();
        private int step;
        private int recomputedSteps;
        /** Each training example's error (1 - fg IoU) when last trained on, for {@link Curriculum#LOSS}. */
        private double[] errors;
        /** The current phase's first step, warm-up and length in steps: each phase has its own schedule. */
        private int phaseStart;
        private int warmup;
        private int total;
        private boolean lastPhase;

        Run(MaskNet net, Model model, TrainOptions opts, List<Augmentation> augmentations, Path outDir,
            Random random, long start) {
            this.net = net;
            this.model = model;
            this.opts = opts;
            this.augmentations = augmentations;
            this.augmentationProbability = Augmentation.probability(Math.max(1, augmentations.size()));
            this.outDir = outDir;
            this.random = random;
            this.start = start;
            this.loss = new MaskLoss(opts.loss());
        }

        TrainResult fit(List<Phase> phases, List<List<PreparedExample>> trainSets, List<PreparedExample> valSet) {
            int batch = opts.batchSize();
            int allSteps = phases.stream().mapToInt(p -> steps(p) * p.epochs()).sum();
            Tracker schedule = ignoredUpdateCount -> currentLearningRate();
            Optimizer adam = Optimizer.adam().optLearningRateTracker(schedule).optClipGrad(opts.clipGradient())
                    .build();
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(adam)
                    .optDevices(new Device[] {model.getNDManager().getDevice()});
            errors = new double[trainSets.get(0).size()];
            int bestEpoch = 0;
            double bestIou = Double.NEGATIVE_INFINITY;
            boolean stoppedEarly = false;
            int epoch = 0;
            try (ai.djl.training.Trainer trainer = model.newTrainer(config);
                 ProgressBar bar = opts.progress() ? new ProgressBar(System.err, "train", allSteps) : null) {
                trainer.initialize(net.inputShapes(batch));
                EpochProgress progress = new EpochProgress();
                if (bar != null) {
                    bar.withExtra(progress::describe);
                }
                for (Phase phase : phases) {
                    phaseStart = step;
                    lastPhase = phase == phases.get(phases.size() - 1);
                    total = steps(phase) * phase.epochs();
                    warmup = Math.min(opts.warmupSteps(), total / 4);
                    for (int e = 1; e <= phase.epochs() && !stoppedEarly; e++) {
                        epoch++;
                        long epochStart = System.nanoTime();
                        progress.begin(epoch, phase.name());
                        List<Integer> order = opts.curriculum().order(phase.indices(), e == 1, errors, random);
                        for (int from = 0; from < order.size(); from += batch) {
                            List<Integer> indices = order.subList(from, Math.min(order.size(), from + batch));
                            List<PreparedExample> examples = new ArrayList<>();
                            for (int i : indices) {
                                int variant = trainSets.size() == 1 ? 0 : random.nextInt(trainSets.size());
                                examples.add(augmented(trainSets.get(variant).get(i)));
                            }
                            List<IouCounts> counts = trainStep(trainer, examples, epoch, progress);
                            for (int k = 0; k < indices.size(); k++) {
                                errors[indices.get(k)] = 1 - counts.get(k).fgIou();
                            }
                            if (bar != null) {
                                bar.step(1);
                            }
                            if (opts.timeLimit() != null
                                    && System.nanoTime() - start > opts.timeLimit().toNanos()) {
                                stoppedEarly = true;
                                break;
                            }
                        }
                        EpochMetrics metrics = finishEpoch(trainer, progress, valSet, epoch, epochStart);
                        double score = metrics.valFgIou() != null ? metrics.valFgIou() : epoch;
                        if (score > bestIou) {
                            bestIou = score;
                            bestEpoch = epoch;
                            SavedModel.save(net, savedMetrics(metrics, trainSets.get(0).size(), valSet.size()),
                                    outDir);
                        }
                    }
                }
            }
            if (stoppedEarly) {
                LOG.info("stopped after {} epochs: the time limit of {} was reached", history.size(),
                        opts.timeLimit());
            }
            return new TrainResult(outDir, bestEpoch, List.copyOf(history), (System.nanoTime() - start) / 1e9,
                    stoppedEarly);
        }

        private int steps(Phase phase) {
            return (phase.indices().size() + opts.batchSize() - 1) / opts.batchSize();
        }

        /**
         * The example with a fresh random translation when {@code opts.shift()} asks for one, then each of
         * {@code augmentations} in turn, so that half the examples get none.
         */
        private PreparedExample augmented(PreparedExample e) {
            int s = opts.shift();
            int size = net.config().inputSize();
            PreparedExample out = e;
            if (s > 0) {
                int dx = random.nextInt(2 * s + 1) - s;
                int dy = random.nextInt(2 * s + 1) - s;
                out = Shift.apply(e, size, dx, dy);
            }
            for (Augmentation a : augmentations) {
                out = a.maybeApply(out, size, augmentationProbability, random);
            }
            return out;
        }

        /**
         * One optimizer step on {@code examples}. A step whose loss or gradients are not finite is computed once
         * more from the same parameters: libtorch on the CPU now and then hands back NaN gradients for a batch whose
         * rerun is finite (the runs are otherwise deterministic, so the rerun gives the clean result). Twice in a
         * row is divergence, and training stops before the parameters see it.
         */
        private List<IouCounts> trainStep(ai.djl.training.Trainer trainer, List<PreparedExample> examples, int epoch,
                                          EpochProgress progress) {
            try (NDManager scope = trainer.getManager().newSubManager()) {
                NDList inputs = Batches.inputs(scope, net, examples);
                NDList labels = Batches.labels(scope, net.config().inputSize(), examples);
                for (int attempt = 1; ; attempt++) {
                    NDList predictions;
                    float value;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        predictions = trainer.forward(inputs);
                        NDArray l = loss.evaluate(labels, predictions);
                        value = l.getFloat();
                        if (Float.isFinite(value)) {
                            collector.backward(l);
                        }
                    }
                    String problem = !Float.isFinite(value) ? "the training loss was not finite (" + value + ")"
                            : gradientsFinite(scope) ? null
                            : "the loss was " + value + " but the gradients of " + nonFiniteGradients()
                            + " were not finite";
                    if (problem == null) {
                        trainer.step();
                        step++;
                        List<IouCounts> counts = perExample(predictions.head().toFloatArray(), examples,
                                net.config().threshold());
                        progress.add(value, examples.size(), counts.stream().reduce(IouCounts.EMPTY,
                                IouCounts::merge));
                        return counts;
                    }
                    if (attempt == 2) {
                        throw diverged(problem + ", twice in a row", epoch);
                    }
                    LOG.warn("step {} of epoch {}: {}; computing it again", step + 1, epoch, problem);
                    recomputedSteps++;
                    clearGradients();
                }
            }
        }

        /** Zeroes every gradient by assignment: DJL clears them by subtraction, and NaN - NaN stays NaN. */
        private void clearGradients() {
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray array = p.getValue().getArray();
                if (p.getValue().requiresGradient()) {
                    array.getGradient().set(new float[Math.toIntExact(array.size())]);
                }
            }
        }

        /** One sum over every gradient: NaN or infinite as soon as any element is. */
        private boolean gradientsFinite(NDManager scope) {
            NDArray total = scope.zeros(new ai.djl.ndarray.types.Shape());
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    total = total.add(p.getValue().getArray().getGradient().sum());
                }
            }
            return Float.isFinite(total.getFloat());
        }

        /** The parameters with a NaN or infinite gradient element, by name (the first few). */
        private String nonFiniteGradients() {
            List<String> names = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    if (g.isNaN().any().getBoolean() || g.isInfinite().any().getBoolean()) {
                        names.add(p.getKey());
                    }
                }
            }
            int shown = Math.min(5, names.size());
            return String.join(", ", names.subList(0, shown))
                    + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
        }

        /** Why training stopped at a non-finite step and what to change; the step was not applied. */
        private TrainingDivergedException diverged(String what, int epoch) {
            return new TrainingDivergedException(String.format(Locale.ROOT, "%s at epoch %d, step %d"
                            + " (learning rate %.3g): training stopped before that step changed the parameters; %s"
                            + " holds the best epoch so far. Lower --lr (now %.3g) or --clip (now %.3g), or check the"
                            + " data for broken masks", what, epoch,
                    step + 1, currentLearningRate(), outDir, opts.learningRate(), opts.clipGradient()));
        }

        private EpochMetrics finishEpoch(ai.djl.training.Trainer trainer, EpochProgress progress,
                                         List<PreparedExample> valSet, int epoch, long epochStart) {
            Double valLoss = null;
            IouCounts val = null;
            if (!valSet.isEmpty()) {
                double lossSum = 0;
                val = IouCounts.EMPTY;
                for (int from = 0; from < valSet.size(); from += opts.batchSize()) {
                    List<PreparedExample> examples = valSet.subList(from,
                            Math.min(valSet.size(), from + opts.batchSize()));
                    try (NDManager scope = trainer.getManager().newSubManager()) {
                        NDList predictions = trainer.evaluate(Batches.inputs(scope, net, examples));
                        NDList labels = Batches.labels(scope, net.config().inputSize(), examples);
                        lossSum += loss.evaluate(labels, predictions).getFloat() * examples.size();
                        val = val.merge(countLogits(predictions.head().toFloatArray(), examples,
                                net.config().threshold()));
                    }
                }
                valLoss = lossSum / valSet.size();
            }
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochMetrics m = new EpochMetrics(epoch, progress.phase, progress.steps, recomputedSteps,
                    progress.meanLoss(),
                    progress.counts.fgIou(),
                    valLoss, val == null ? null : val.fgIou(), val == null ? null : val.pixelIou(),
                    val == null ? null : val.miou(), val == null ? null : val.dice(),
                    currentLearningRate(),
                    progress.samples / Math.max(1e-9, seconds), seconds);
            history.add(m);
            LOG.info("epoch {}: {}", epoch, m);
            try {
                Files.writeString(outDir.resolve(METRICS_LINES), Json.LINES.writeValueAsString(m) + "\n",
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outDir.resolve(METRICS_LINES), e);
            }
            plotCurves();
            if (opts.checkpoints()) {
                SavedModel.save(net, savedMetrics(m, -1, valSet.size()),
                        outDir.resolve(CHECKPOINTS).resolve(String.format(Locale.ROOT, "epoch-%03d", epoch)));
            }
            return m;
        }

        /**
         * The schedule at the current step. In the last phase of a run with a time limit, the cosine also follows
         * the clock: it is as far along as the larger of the steps done and the time used, so a run the limit stops
         * early still ends on a low learning rate instead of at its peak.
         */
        private float currentLearningRate() {
            int at = step - phaseStart;
            if (lastPhase && opts.timeLimit() != null) {
                double used = (System.nanoTime() - start) / (double) opts.timeLimit().toNanos();
                at = Math.max(at, (int) Math.min(total, used * total));
            }
            return learningRate(opts.learningRate(), warmup, total, at);
        }

        private Map<String, Object> savedMetrics(EpochMetrics m, int trainExamples, int valExamples) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("epoch", m.epoch());
            out.put("train_loss", m.trainLoss());
            out.put("train_fg_iou", m.trainFgIou());
            out.put("val_loss", m.valLoss());
            out.put("val_fg_iou", m.valFgIou());
            out.put("val_pixel_iou", m.valPixelIou());
            out.put("val_miou", m.valMiou());
            out.put("val_dice", m.valDice());
            if (trainExamples >= 0) {
                out.put("train_examples", trainExamples);
            }
            out.put("val_examples", valExamples);
            out.put("options", opts.describe());
            out.put("seconds_so_far", (System.nanoTime() - start) / 1e9);
            return out;
        }

        private void plotCurves() {
            Trainer.plotCurves(history, opts.loss().id(), outDir.resolve(CURVES));
        }

    }

    /** Running figures of the current epoch, shown on the progress bar. */
    private static final class EpochProgress {
        private final long created = System.nanoTime();
        private int epoch;
        private String phase;
        private int steps;
        private double lossSum;
        private long samples;
        private long epochStart;
        private IouCounts counts = IouCounts.EMPTY;

        void begin(int epoch, String phase) {
            this.epoch = epoch;
            this.phase = phase;
            steps = 0;
            lossSum = 0;
            samples = 0;
            counts = IouCounts.EMPTY;
            epochStart = System.nanoTime();
        }

        void add(float loss, int n, IouCounts batch) {
            steps++;
            lossSum += loss;
            samples += n;
            counts = counts.merge(batch);
        }

        double meanLoss() {
            return steps == 0 ? Double.NaN : lossSum / steps;
        }

        String describe() {
            double secs = Math.max(1e-9, (System.nanoTime() - Math.max(epochStart, created)) / 1e9);
            return String.format(Locale.ROOT, "epoch %d (%s) loss %.4f iou %.3f %.0f samples/s", epoch, phase,
                    meanLoss(),
                    counts.fgIou(), samples / secs);
        }
    }
}
