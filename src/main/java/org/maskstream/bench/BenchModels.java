package org.maskstream.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.model.MaskNet;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.SavedModel;
import org.maskstream.model.Vocabulary;
import org.maskstream.demo.DemoModel;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's networks and traffic. A network is the {@code train} command's default architecture with fresh
 * random parameters: its speed does not depend on what it has learned, and nothing has to be trained first.
 */
final class BenchModels {
    /** Synthetic scenes stream as requests; the same seed always gives the same traffic. */
    static final long TRAFFIC_SEED = 7;
    private static final long PARAMETER_SEED = 5;

    private BenchModels() {
    }

    /** {@code count} synthetic scenes of {@code size} px, each with its instruction and mask. */
    static List<Example> traffic(int size, int count) {
        return DemoModel.scenes(new SceneGenerator(size, Phrasing.NORMAL), TRAFFIC_SEED, count);
    }

    /** The default architecture (the {@code train} defaults) at {@code inputSize} px and {@code maxTokens}. */
    static ModelConfig defaultConfig(int inputSize, int maxTokens, List<Example> vocabularyFrom) {
        return ModelConfig.builder().inputSize(inputSize).maxTokens(maxTokens)
                .vocabulary(Vocabulary.build(vocabularyFrom.stream().map(Example::instruction).toList()).words())
                .build();
    }

    /** Saves a randomly initialised network of {@code config} into {@code dir} (a model folder) and returns it. */
    static Path create(ModelConfig config, Path dir) {
        Engine.getInstance().setRandomSeed((int) PARAMETER_SEED);
        MaskNet net = MaskNet.build(config);
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
            SavedModel.save(net, Map.of("note", "random parameters for the benchmark"), dir);
        }
        return dir;
    }
}
