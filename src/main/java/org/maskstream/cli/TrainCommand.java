package org.maskstream.cli;

import org.maskstream.util.DurationConverter;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetReader;
import org.maskstream.grounding.DetectorPrior;
import org.maskstream.model.Decoder;
import org.maskstream.model.Fusion;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.LossKind;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.PretrainedEncoders;
import org.maskstream.train.Augmentation;
import org.maskstream.train.Curriculum;
import org.maskstream.train.EpochMetrics;
import org.maskstream.train.Stage;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.TrainResult;
import org.maskstream.train.Trainer;
import org.maskstream.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code maskstream train}: trains a model on a dataset folder and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains an edit-mask model (image + instruction -> region) on a dataset folder and saves it "
                + "in --out: parameters, config.json, metrics.json, parameters.sha256, plus metrics.jsonl, "
                + "curves.png and checkpoints/epoch-NNN/.",
                "The saved model is the epoch with the best validation foreground IoU (the last epoch without "
                + "--val). Same seed, same data: same model (on the CPU)."})
public final class TrainCommand implements Callable<Integer> {
    /** The options' defaults, set in one place: {@link TrainOptions#builder()} and {@link ModelConfig#builder()}. */
    private static final TrainOptions DEFAULTS = TrainOptions.builder().build();
    private static final ModelConfig MODEL = DEFAULTS.model();

    @Option(names = "--data", description = "Training dataset folder (with manifest.jsonl); required unless --replot.")
    Path data;

    @Option(names = "--val", description = "Validation dataset folder; picks the best epoch.")
    Path val;

    @Option(names = "--out", description = "Model folder to write (created); required unless --replot.")
    Path out;

    @Option(names = "--replot", paramLabel = "MODEL_DIR", description = "Train nothing: draw MODEL_DIR/curves.png "
            + "again from its metrics.jsonl with the current plotter (e.g. runs/m8/model).")
    Path replot;

    @Option(names = "--fusion", description = "concat, outer, xattn-pooled or xattn (default: ${DEFAULT-VALUE}).")
    String fusion = MODEL.fusion().id();

    @Option(names = "--decoder", description = "upconv or unet (default: ${DEFAULT-VALUE}).")
    String decoder = MODEL.decoder().id();

    @Option(names = "--loss", description = "bce, bce+iou, bce+dice or bce+boundary (default: ${DEFAULT-VALUE}).")
    String loss = DEFAULTS.loss().id();

    @Option(names = "--epochs", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = "--batch", description = "Examples per step (default: ${DEFAULT-VALUE}).")
    int batch = DEFAULTS.batchSize();

    @Option(names = "--size", description = "Side in pixels the model reads images at and predicts masks at; "
            + "8 times a power of two (default: ${DEFAULT-VALUE}).")
    int size = MODEL.inputSize();

    @Option(names = "--seed", description = "Seed of initialization, shuffling and flips (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = "--lr", description = "Peak learning rate of Adam, after the warm-up (default: ${DEFAULT-VALUE}).")
    float lr = DEFAULTS.learningRate();

    @Option(names = "--warmup", description = "Warm-up steps from 0 to --lr (default: ${DEFAULT-VALUE}).")
    int warmup = DEFAULTS.warmupSteps();

    @Option(names = "--clip", description = "Gradient clipping bound, per element (default: ${DEFAULT-VALUE}).")
    float clip = DEFAULTS.clipGradient();

    @Option(names = "--dim", description = "Feature width d (default: ${DEFAULT-VALUE}).")
    int dim = MODEL.dim();

    @Option(names = "--layers", description = "Stacked fusion blocks of the attention fusions "
            + "(default: ${DEFAULT-VALUE}).")
    int layers = MODEL.layers();

    @Option(names = "--text-layers", description = "Transformer layers of the text encoder "
            + "(default: ${DEFAULT-VALUE}).")
    int textLayers = MODEL.textLayers();

    @Option(names = "--heads", description = "Attention heads; must divide --dim (default: ${DEFAULT-VALUE}).")
    int heads = MODEL.heads();

    @Option(names = "--max-tokens", description = "Instruction words read (default: ${DEFAULT-VALUE}).")
    int maxTokens = MODEL.maxTokens();

    @Option(names = "--no-flip", description = "Turn off random horizontal and vertical mirrors (which swap "
            + "left/right and top/bottom in the instruction).")
    boolean noFlip;

    @Option(names = "--init-from", description = "Fine-tune a saved model (its architecture and vocabulary are "
            + "kept; --fusion, --dim etc. are still checked but not used).")
    Path initFrom;

    @Option(names = "--time-limit", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this much training, e.g. 90s or 15m (the current epoch is still evaluated and "
                    + "saved).")
    Duration timeLimit;

    @Option(names = "--no-checkpoints", description = "Do not keep a checkpoint folder per epoch.")
    boolean noCheckpoints;

    @Option(names = "--skip-bad", description = "Skip bad dataset lines with a warning instead of stopping.")
    boolean skipBad;

    @Option(names = "--image-encoder", description = "scratch, or mobilenet:PATH for the frozen ImageNet MobileNetV2"
            + " ONNX file at PATH, which needs --decoder upconv (default: ${DEFAULT-VALUE}).")
    String imageEncoder = MODEL.imageEncoder();

    @Option(names = "--text-encoder", description = "scratch, minilm for the frozen all-MiniLM-L6-v2 or e5-small for"
            + " the frozen e5-small-v2 (int8), which also read words the training instructions never used (default:"
            + " ${DEFAULT-VALUE}).")
    String textEncoder = MODEL.textEncoder();

    @Option(names = "--prior", paramLabel = "SOURCE", description = "A grounded network: coco-detector (the COCO"
            + " detector from the pretrained files, see 'models') or coco-detector:FOLDER. The boxes of the detected"
            + " objects the instruction names become an input beside the image, which the network refines. A new"
            + " network learns it from simulated detections of the target (synthetic scenes have no COCO objects);"
            + " --init-from fine-tuning reads the detector, as serving does. Needs the scratch image encoder.")
    String prior;

    @Option(names = "--stage", paramLabel = "FIELD=VALUE:EPOCHS", description = "A curriculum stage, repeatable and"
            + " trained in the order given before the --epochs over everything: EPOCHS passes over only the training"
            + " examples whose manifest field FIELD is VALUE, with their own warm-up and decay, e.g. --stage"
            + " reference=position:30 --stage reference=colour:30 on generated data.")
    List<String> stages = new ArrayList<>();

    @Option(names = "--shift", description = "Translate each training image and its mask by a random 0 to SHIFT"
            + " pixels in x and y per step, repeating the edges; needs the scratch image encoder"
            + " (default: ${DEFAULT-VALUE}).")
    int shift = DEFAULTS.shift();

    @Option(names = "--augment", split = ",", paramLabel = "KIND", description = "Image augmentations, comma-separated,"
            + " each on a share of every step's examples such that half get none, with a random strength from"
            + " --seed: noise"
            + " (Gaussian, 4-20 levels), blur (Gaussian, 0.5-1.5 px), jpeg (quality 20-70), texture (the muted"
            + " background of generated scenes replaced by a procedural plaid; meant for generated data), rotation"
            + " (image and mask turned together by up to 30 degrees either way), and, not"
            + " in the defaults yet, resolution (a round trip through 48-160 px) and colour (hue within 8 degrees,"
            + " saturation and brightness 0.8-1.2, so colour words stay true); or none. Only rotation moves the"
            + " mask. Needs the scratch image encoder (default: noise,blur,jpeg,texture,rotation with the scratch"
            + " image encoder, none with a frozen one).")
    List<String> augment;

    @Option(names = "--paraphrase", negatable = true, description = "Also train on each instruction said with"
            + " other words and sentence shapes (a synonym table of its own, e.g. 'make the red circle blue' -> 'could"
            + " you render the ruby circle navy'; words outside the table stay), so the model reads meaning rather than"
            + " exact tokens; --no-paraphrase turns it off (default: ${DEFAULT-VALUE}).")
    boolean paraphrase = DEFAULTS.paraphrase();

    @Option(names = "--curriculum", description = "Example order per epoch: none (each example once, shuffled) or"
            + " loss (from the second epoch, half the draws favour the examples the network last got most wrong, so"
            + " hard references get more steps without any manifest field) (default: ${DEFAULT-VALUE}).")
    String curriculum = DEFAULTS.curriculum().id();

    @Option(names = "--threads", description = "PyTorch CPU threads (default: one per core; on a busy shared "
            + "machine 1 can be faster).")
    Integer threads;

    @Override
    public Integer call() {
        if (replot != null) {
            try {
                System.out.println("wrote " + Trainer.replot(replot));
            } catch (IOException | RuntimeException e) {
                throw new UserError("cannot replot " + replot + ": " + e.getMessage(), e);
            }
            return 0;
        }
        if (data == null || out == null) {
            throw new UserError("train needs --data DATASET_DIR and --out MODEL_DIR (or --replot MODEL_DIR to only "
                    + "redraw a finished run's curves)");
        }
        ModelCommands.useThreads(threads);
        TrainOptions opts = options();
        Dataset train = ModelCommands.readLabeled(data, skipBad);
        Dataset validation = val == null ? null : ModelCommands.readLabeled(val, skipBad);
        TrainResult result;
        try {
            result = Trainer.train(train.examples(), validation == null ? List.of() : validation.examples(), opts,
                    out, stageFields(opts));
        } catch (TrainingDivergedException | InvalidModelException | IllegalArgumentException e) {
            // IllegalArgumentException: a missing encoder file, or a curriculum stage the data cannot serve
            throw new UserError(e.getMessage(), e);
        }
        EpochMetrics best = result.best();
        System.out.printf(Locale.ROOT, "trained %d epochs in %.1f s%s; saved epoch %d to %s%n",
                result.history().size(), result.seconds(), result.stoppedEarly() ? " (time limit)" : "",
                result.bestEpoch(), out.toAbsolutePath());
        System.out.printf(Locale.ROOT, "train loss %.4f, train fg_iou %.4f%s%n", best.trainLoss(), best.trainFgIou(),
                best.valFgIou() == null ? "" : String.format(Locale.ROOT,
                        ", val fg_iou %.4f, pixel_iou %.4f, miou %.4f, dice %.4f", best.valFgIou(),
                        best.valPixelIou(), best.valMiou(), best.valDice()));
        return 0;
    }

    /** The training manifest's values of each field a curriculum stage names, by example id. */
    private Map<String, Map<String, String>> stageFields(TrainOptions opts) {
        Map<String, Map<String, String>> fields = new HashMap<>();
        for (Stage stage : opts.stages()) {
            fields.computeIfAbsent(stage.field(), field -> DatasetReader.fieldValues(data, field));
        }
        return fields;
    }

    /** {@code null} for the defaults, empty for {@code --augment none}. */
    private List<Augmentation> augmentations() {
        if (augment == null) {
            return null;
        }
        if (augment.size() == 1 && augment.get(0).trim().equalsIgnoreCase("none")) {
            return List.of();
        }
        return augment.stream().map(Augmentation::parse).toList();
    }

    private TrainOptions options() {
        try {
            return TrainOptions.builder()
                    .model(m -> m.fusion(Fusion.parse(fusion)).decoder(Decoder.parse(decoder)).inputSize(size).dim(dim)
                            .layers(layers).textLayers(textLayers).heads(heads).maxTokens(maxTokens)
                            .imageEncoder(PretrainedEncoders.absolute(imageEncoder)).textEncoder(textEncoder)
                            .prior(prior == null ? null : DetectorPrior.resolveId(prior)))
                    .loss(LossKind.parse(loss)).epochs(epochs).batchSize(batch).seed(seed).learningRate(lr)
                    .warmupSteps(warmup).clipGradient(clip).flip(!noFlip).initFrom(initFrom).timeLimit(timeLimit)
                    .checkpoints(!noCheckpoints).progress(true).stages(stages.stream().map(Stage::parse).toList())
                    .shift(shift).augmentations(augmentations())
                    .paraphrase(paraphrase).curriculum(Curriculum.parse(curriculum))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
