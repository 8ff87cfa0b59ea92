package org.maskstream.stream;

import org.maskstream.demo.DemoModel;
import org.maskstream.util.Directories;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.Trainer;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A real saved model for the stream ITCases: trained once per test JVM for a few seconds on synthetic scenes
 * (32 px), into {@code target/}. Its quality does not matter; the tests compare the stream with {@code eval} on
 * the same model.
 */
public final class TestModels {
    private static final Path DIR = Path.of("target", "stream-test-model").toAbsolutePath();
    private static boolean trained;

    private TestModels() {
    }

    public static synchronized Path tiny() {
        if (!trained) {
            Directories.deleteRecursively(DIR);
            TrainOptions options = TrainOptions.builder().withoutRobustnessDefaults()
                    .model(m -> m.inputSize(TestRequests.SIZE).dim(16).layers(1).heads(2).maxTokens(8)).batchSize(16).epochs(2).warmupSteps(2).learningRate(1e-2f).flip(false)
                    .timeLimit(Duration.ofSeconds(10)).checkpoints(false).progress(false).seed(3).build();
            Trainer.train(DemoModel.scenes(new SceneGenerator(TestRequests.SIZE, Phrasing.NORMAL), 3, 96),
                    java.util.List.of(), options, DIR);
            trained = true;
        }
        return DIR;
    }
}
