package org.maskstream.train;

import org.maskstream.model.LossKind;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.ModelConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything {@link Trainer#train} needs besides the data; the fields mirror the {@code train} command's flags.
 * The defaults ({@link #builder()}; the architecture's from {@link ModelConfig#builder()} but for the e5-small text
 * encoder) are measured in {@code docs/results/robustness.md}: the {@link Augmentation#DEFAULTS}, rephrased
 * instructions and the {@link Curriculum#LOSS} curriculum, which any dataset can serve. Manifest-field stages and
 * the shift stay off by default because they suit the synthetic benchmark (its {@code reference} field, its
 * relative references) rather than any dataset.
 *
 * @param model         the network to train from random parameters ({@code --fusion}, {@code --decoder},
 *                      {@code --size}, {@code --dim}...), without its vocabulary: {@link #modelConfig} adds the
 *                      training instructions' words
 * @param loss          loss ({@code --loss})
 * @param epochs        passes over the training set
 * @param batchSize     examples per step
 * @param seed          seeds DJL's RNG (initialization), shuffling and augmentation
 * @param learningRate  Adam's peak learning rate, reached after the warm-up and decayed by a cosine to 5%
 * @param warmupSteps   linear warm-up steps from 0 to the peak
 * @param clipGradient  element-wise gradient clipping bound
 * @param flip          random horizontal and vertical mirrors, swapping "left"/"right" and "top"/"bottom" in the
 *                      instruction
 * @param initFrom      fine-tune from this saved model (its architecture and vocabulary win over {@code model});
 *                      {@code null} to start from random parameters
 * @param timeLimit     stop after the step that passes this much training time (the epoch is still evaluated and
 *                      saved); {@code null} for no limit
 * @param checkpoints   save a checkpoint folder per epoch under {@code checkpoints/}
 * @param progress      draw a progress bar on standard error
 * @param stages        curriculum stages trained in order before the {@code epochs} over everything (empty: none)
 * @param shift         random translation of each training image and its mask by up to this many pixels in x and
 *                      y (edges repeated), drawn per step; 0 for none. Needs the scratch image encoder, whose
 *                      prepared input is pixels
 * @param augmentations image changes, each on a share of every step's examples such that half get none, drawn per
 *                      step with the seed (empty: none); like {@code shift} they need the scratch image encoder.
 *                      {@code null}: {@link Augmentation#DEFAULTS} for a network whose image encoder takes pixels,
 *                      none for a frozen one ({@link #augmentationsFor})
 * @param paraphrase    also train on each instruction rephrased by {@link TrainingParaphrases} (one rephrasing per
 *                      example and mirror, drawn with the seed; a step picks it half the time)
 * @param curriculum    how each epoch orders its examples ({@link Curriculum})
 */
public record TrainOptions(ModelConfig model, LossKind loss, int epochs, int batchSize, long seed, float learningRate,
                           int warmupSteps, float clipGradient, boolean flip, Path initFrom, Duration timeLimit,
                           boolean checkpoints, boolean progress, List<Stage> stages, int shift,
                           List<Augmentation> augmentations, boolean paraphrase, Curriculum curriculum) {

    public TrainOptions {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be at least 1, got " + epochs + " and "
                    + batchSize);
        }
        if (!(learningRate > 0) || !(clipGradient > 0) || warmupSteps < 0) {
            throw new IllegalArgumentException("learning rate and gradient clip must be positive and warm-up steps"
                    + " not negative");
        }
        if (shift < 0 || shift >= model.inputSize() / 2) {
            throw new IllegalArgumentException("shift must be from 0 to less than half the input size ("
                    + model.inputSize() + "), got " + shift);
        }
        if (shift > 0 && !ModelConfig.SCRATCH.equals(model.imageEncoder()) && initFrom == null) {
            throw new IllegalArgumentException("--shift needs the scratch image encoder: a frozen encoder's"
                    + " prepared input is features, not pixels to translate");
        }
        if (augmentations != null && !augmentations.isEmpty() && !ModelConfig.SCRATCH.equals(model.imageEncoder())
                && initFrom == null) {
            throw new IllegalArgumentException("--augment needs the scratch image encoder: a frozen encoder's"
                    + " prepared input is features, not pixels to change");
        }
        if (curriculum == null) {
            throw new IllegalArgumentException("a curriculum is required: " + Curriculum.NONE.id() + " for none");
        }
        stages = List.copyOf(stages);
        augmentations = augmentations == null ? null : List.copyOf(new LinkedHashSet<>(augmentations));
    }

    /** The options as JSON-friendly values (paths and durations as strings), for {@code metrics.json}. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.describe());
        out.put("loss", loss.id());
        out.put("epochs", epochs);
        out.put("batch", batchSize);
        out.put("seed", seed);
        out.put("lr", learningRate);
        out.put("warmup_steps", warmupSteps);
        out.put("clip", clipGradient);
        out.put("flip", flip);
        out.put("init_from", initFrom == null ? null : initFrom.toString());
        out.put("time_limit", timeLimit == null ? null : timeLimit.toString());
        out.put("stages", stages.stream().map(Stage::toString).toList());
        out.put("shift", shift);
        out.put("augmentations", augmentations == null ? "default"
                : augmentations.stream().map(Augmentation::id).toList());
        out.put("paraphrase", paraphrase);
        out.put("curriculum", curriculum.id());
        return out;
    }

    /** The augmentations a network with image encoder {@code imageEncoder} trains with. */
    public List<Augmentation> augmentationsFor(String imageEncoder) {
        if (augmentations != null) {
            return augmentations;
        }
        return ModelConfig.SCRATCH.equals(imageEncoder) ? Augmentation.DEFAULTS : List.of();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The network to train, with {@code vocabulary} for the scratch text encoder. */
    public ModelConfig modelConfig(List<String> vocabulary) {
        return model.toBuilder().vocabulary(vocabulary).build();
    }

    public static final class Builder {
        // a pretrained encoder reads words the training data never used, and trains faster than the scratch text
        // layers; e5-small beat MiniLM on clean scenes and on paraphrases (docs/results/robustness-*-20-epochs.md)
        private final ModelConfig.Builder model = ModelConfig.builder().textEncoder(FrozenTextEncoder.E5_SMALL_ID);
        private LossKind loss = LossKind.BCE_DICE;
        // on 2 cores the defaults' 24 epochs of the README's benchmark data take 13 to 15 minutes (a --time-limit
        // stops a slower run annealed); 20 epochs left minutes of a 15-minute budget unused
        private int epochs = 24;
        private int batchSize = 32;
        private long seed = 1;
        private float learningRate = 2e-3f;
        private int warmupSteps = 100;
        private float clipGradient = 1f;
        private boolean flip = true;
        private Path initFrom;
        private Duration timeLimit;
        private boolean checkpoints = true;
        private boolean progress = true;
        private List<Stage> stages = List.of();
        private int shift;
        private List<Augmentation> augmentations;
        private boolean paraphrase = true;
        private Curriculum curriculum = Curriculum.LOSS;

        /** Sets architecture fields on this builder's {@link ModelConfig.Builder} (which starts at its defaults). */
        public Builder model(Consumer<ModelConfig.Builder> edit) { edit.accept(model); return this; }
        public Builder loss(LossKind v) { loss = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder learningRate(float v) { learningRate = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder clipGradient(float v) { clipGradient = v; return this; }
        public Builder flip(boolean v) { flip = v; return this; }
        public Builder initFrom(Path v) { initFrom = v; return this; }
        public Builder timeLimit(Duration v) { timeLimit = v; return this; }
        public Builder checkpoints(boolean v) { checkpoints = v; return this; }
        public Builder progress(boolean v) { progress = v; return this; }
        public Builder stages(List<Stage> v) { stages = v; return this; }
        public Builder shift(int v) { shift = v; return this; }
        /** {@code null} for the defaults ({@link TrainOptions#augmentationsFor}). */
        public Builder augmentations(List<Augmentation> v) { augmentations = v; return this; }
        /**
         * The defaults of maskstream before issue 18: no augmentation, rephrasing or curriculum, the scratch text
         * encoder. For comparisons.
         */
        public Builder withoutRobustnessDefaults() {
            return model(m -> m.textEncoder(ModelConfig.SCRATCH)).augmentations(List.of()).paraphrase(false)
                    .curriculum(Curriculum.NONE);
        }
        public Builder paraphrase(boolean v) { paraphrase = v; return this; }
        public Builder curriculum(Curriculum v) { curriculum = v; return this; }

        /** @throws IllegalArgumentException naming the first bad field, the architecture's included */
        public TrainOptions build() {
            return new TrainOptions(model.architecture(), loss, epochs, batchSize, seed, learningRate, warmupSteps,
                    clipGradient, flip, initFrom, timeLimit, checkpoints, progress, stages, shift, augmentations,
                    paraphrase, curriculum);
        }
    }
}
