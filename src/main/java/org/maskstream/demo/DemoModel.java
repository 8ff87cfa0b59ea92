package org.maskstream.demo;

import org.maskstream.util.Directories;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.TrainResult;
import org.maskstream.train.Trainer;
import org.maskstream.train.TrainingDivergedException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The demo's model: trained once on synthetic scenes into a cache folder, with a progress bar, then reused. The
 * training options are written beside it ({@value #RECIPE}) so the same model can be made with {@code train}.
 */
public final class DemoModel {
    /** Where the demo keeps its model between runs. */
    public static final Path DEFAULT_DIR = Path.of(System.getProperty("user.home"), ".cache", "maskstream", "demo-model");
    static final String RECIPE = "TRAINED_BY.txt";
    /** Changes with {@link #recipe()} or the {@code train} defaults, so a model trained by an older one is redone. */
    private static final String RECIPE_LINE = "recipe 4: the train defaults of issue 18 (e5-small text, 24 epochs),"
            + " weak model by steps";
    static final int SIZE = 64;
    private static final long TRAIN_SEED = 11;
    private static final long VALIDATION_SEED = 12;
    private static final int TRAIN_SCENES = 1200;
    private static final int VALIDATION_SCENES = 100;
    private static final Duration BUDGET = Duration.ofSeconds(150);
    /** Where the demo keeps the deliberately weak model its retraining loop starts from. */
    public static final Path WEAK_DIR = DEFAULT_DIR.resolveSibling("demo-model-weak");
    /**
     * The weak model's training: a few dozen steps, far from what the data allows. Counted in steps, not time: the
     * examples' preparation (the text encoder) would take a short time budget whole on a slow machine.
     */
    static final int WEAK_STEPS = 40;
    private static final int BATCH = 16;
    private static final float LEARNING_RATE = 1e-3f;

    private DemoModel() {
    }

    /** The model folder in {@code dir}, training it first when there is none (or a damaged one). */
    public static Path ensure(Path dir, PrintStream out) {
        return ensure(dir, TRAIN_SCENES, b -> b.timeLimit(BUDGET), "at most " + BUDGET.toSeconds() + " s", out);
    }

    /** The weak model in {@link #WEAK_DIR}: {@value #WEAK_STEPS} steps, one pass over that many batches of scenes. */
    public static Path ensureWeak(PrintStream out) {
        return ensure(WEAK_DIR, WEAK_STEPS * BATCH, b -> b.epochs(1).timeLimit(null), WEAK_STEPS + " steps", out);
    }

    private static Path ensure(Path dir, int trainScenes, UnaryOperator<TrainOptions.Builder> effort, String howLong,
                               PrintStream out) {
        if (Files.isDirectory(dir)) {
            if (!trainedByThisRecipe(dir)) {
                out.println("the demo model in " + dir + " was trained by an older recipe: training it again");
            } else {
                // load it, not just its config: a model saved by an older maskstream may no longer fit the network
                try (MaskModel ignored = SavedModel.load(dir)) {
                    return dir;
                } catch (InvalidModelException e) {
                    out.println("the demo model in " + dir + " is unusable (" + e.getMessage() + "): training it"
                            + " again");
                }
            }
        }
        out.printf(Locale.ROOT, "no demo model in %s yet: training a small one on %d synthetic scenes "
                + "(%s, once; later runs reuse it)%n", dir, trainScenes, howLong);
        SceneGenerator generator = new SceneGenerator(SIZE, Phrasing.NORMAL);
        List<Example> train = scenes(generator, TRAIN_SEED, trainScenes);
        List<Example> validation = scenes(generator, VALIDATION_SEED, VALIDATION_SCENES);
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        try {
            TrainResult result = null;
            TrainOptions options = null;
            for (float lr = LEARNING_RATE; result == null; lr /= 2) {
                options = effort.apply(recipe().learningRate(lr)).build();
                Directories.deleteRecursively(partial);
                try {
                    result = Trainer.train(train, validation, options, partial);
                } catch (TrainingDivergedException e) {
                    if (lr < LEARNING_RATE / 4) {
                        throw e;
                    }
                    out.println("training diverged (" + e.getMessage() + "); starting again at half the learning rate");
                }
            }
            Files.writeString(result.modelDir().resolve(RECIPE), String.format(Locale.ROOT,
                    RECIPE_LINE + "%nTrained by 'maskstream demo' (org.maskstream.demo.DemoModel): %d synthetic %dpx"
                            + " scenes of seed %d"
                            + " (validation: %d of seed %d), options %s.%nBest epoch %d: %s.%n",
                    trainScenes, SIZE, TRAIN_SEED, VALIDATION_SCENES, VALIDATION_SEED, options.describe(),
                    result.bestEpoch(), result.best()));
            Directories.deleteRecursively(dir);
            Files.createDirectories(dir.getParent());
            Files.move(result.modelDir(), dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model to " + dir + ": " + e.getMessage(), e);
        } finally {
            Directories.deleteRecursively(partial);
        }
        out.println("demo model saved in " + dir);
        return dir;
    }

    private static boolean trainedByThisRecipe(Path dir) {
        try {
            return Files.readAllLines(dir.resolve(RECIPE)).stream().anyMatch(RECIPE_LINE::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** The demo model's architecture and schedule; the rest are the {@code train} defaults. */
    public static TrainOptions.Builder recipe() {
        // small and quick to train: the demo shows the stream, the study (experiment) the best models
        return TrainOptions.builder().model(m -> m.inputSize(SIZE).dim(32).layers(1)).batchSize(BATCH)
                .learningRate(LEARNING_RATE).epochs(40).timeLimit(BUDGET).checkpoints(false).progress(true);
    }

    /** Scenes {@code 0..count-1} of {@code seed} as labeled examples. */
    public static List<Example> scenes(SceneGenerator generator, long seed, int count) {
        List<Example> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Scene s = generator.scene(seed, i);
            out.add(new Example(SceneGenerator.id(seed, i), s.render(), s.instruction(), s.targetMask()));
        }
        return out;
    }
}
