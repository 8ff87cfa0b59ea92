package org.maskstream.grounding;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Assumptions;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.model.MaskNet;
import org.maskstream.model.FrozenTextEncoder;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An untrained grounded network (the detector prior of {@link CocoDetectorTest#FOLDER}) saved to a folder: its prior
 * path starts as the detector prior itself, so what it predicts on a photo is known before any training.
 */
public final class GroundedFixture {
    public static final Path SAMPLE = Path.of("../shared/data/magicbrush-sample");
    public static final int SIZE = 64;

    private GroundedFixture() {
    }

    /** Skips the calling test when the detector or the sample photos are absent. */
    public static void assumeDetectorAndSample() {
        CocoDetectorTest.assumeDetector();
        Assumptions.assumeTrue(Files.isRegularFile(SAMPLE.resolve(DatasetReader.MANIFEST)), "skipped: no " + SAMPLE);
    }

    public static String priorId() {
        return DetectorPrior.id(CocoDetectorTest.FOLDER);
    }

    /** The sample's labeled photos. */
    public static List<Example> photos() {
        Dataset d = DatasetReader.read(SAMPLE, false);
        return d.examples().stream().filter(Example::labeled).toList();
    }

    /** Saves the untrained network (MiniLM text, so any instruction is read) to {@code dir}. */
    public static Path save(Path dir) {
        Engine.getInstance().setRandomSeed(3);
        ModelConfig config = ModelConfig.builder().dim(16).layers(1).heads(2).inputSize(SIZE).maxTokens(16)
                .textEncoder(FrozenTextEncoder.MINILM_ID).prior(priorId()).build();
        MaskNet net = MaskNet.build(config);
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
            SavedModel.save(net, Map.of("note", "untrained grounded fixture"), dir);
        }
        return dir;
    }
}
