package org.maskstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.maskstream.data.Example;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskNetTest {
    static final int SIZE = 32;
    static final int BATCH = 3;

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (Fusion f : Fusion.values()) {
            for (Decoder d : Decoder.values()) {
                all.add(Arguments.of(f, d));
            }
        }
        return all.stream();
    }

    static ModelConfig tinyConfig(Fusion fusion, Decoder decoder, List<Example> examples) {
        return ModelConfig.builder().fusion(fusion).decoder(decoder).dim(16).layers(1).heads(2).inputSize(SIZE)
                .maxTokens(8).vocabulary(Vocabulary.build(examples.stream().map(Example::instruction).toList())
                        .words()).build();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("variants")
    void everyVariantMapsABatchToOneLogitPerPixelAndEveryParameterGetsAGradient(Fusion fusion, Decoder decoder) {
        Engine.getInstance().setRandomSeed(7);
        List<Example> examples = TinyScenes.generate(BATCH, SIZE, 3);
        MaskNet net = MaskNet.build(tinyConfig(fusion, decoder, examples));
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(BATCH));
            assertArrayEquals(new Shape[] {new Shape(BATCH, 1, SIZE, SIZE)}, net.getOutputShapes(net.inputShapes(BATCH)));
            List<PreparedExample> batch = examples.stream()
                    .map(e -> Batches.prepare(net, e.image(), e.instruction(), e.mask())).toList();
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDList out = net.forward(new ParameterStore(manager, false), Batches.inputs(manager, net, batch),
                        true);
                assertEquals(new Shape(BATCH, 1, SIZE, SIZE), out.head().getShape());
                NDArray loss = new MaskLoss(LossKind.BCE_DICE).evaluate(Batches.labels(manager, SIZE, batch), out);
                assertTrue(Float.isFinite(loss.getFloat()));
                collector.backward(loss);
            }
            List<String> withoutGradient = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                Parameter param = p.getValue();
                if (param.requiresGradient()
                        && param.getArray().getGradient().abs().sum().getFloat() == 0f) {
                    withoutGradient.add(p.getKey());
                }
            }
            assertTrue(withoutGradient.isEmpty(), "parameters without gradient: " + withoutGradient);
        }
    }

    @Test
    void configsThatCannotWorkAreRefusedAtBuild() {
        List<String> vocabulary = Vocabulary.build(List.of("a b")).words();
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder().dim(20).heads(3)
                .vocabulary(vocabulary).build());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder().inputSize(48)
                .vocabulary(vocabulary).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskNet.build(
                new ModelConfig(Fusion.XATTN, Decoder.UNET, "mobilenet:/x.onnx", "scratch", 16, 1, 1, 2, 32, 8, 0.5f,
                        vocabulary, null, null)));
        assertTrue(e.getMessage().contains("mobilenet"), e.getMessage());
        assertFalse(Fusion.parse("xattn-pooled") != Fusion.XATTN_POOLED);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Fusion.parse("dot"));
        assertTrue(unknown.getMessage().contains("concat, outer, xattn-pooled, xattn"), unknown.getMessage());
    }

    @Test
    void aPriorNetworkReadsTwoMorePlanesAndItsPriorPathStartsAsTheDetectorPrior() {
        Engine.getInstance().setRandomSeed(7);
        List<Example> examples = TinyScenes.generate(BATCH, SIZE, 3);
        MaskNet net = MaskNet.build(tinyConfig(Fusion.XATTN, Decoder.UNET, examples).toBuilder().prior("test:any")
                .build());
        assertEquals(new Shape(3 + MaskNet.PRIOR_PLANES, SIZE, SIZE), net.imageInputShape());
        int plane = SIZE * SIZE;
        float[] box = new float[plane];
        for (int y = 4; y < 12; y++) {
            for (int x = 4; x < 20; x++) {
                box[y * SIZE + x] = 0.8f;
            }
        }
        PreparedExample withBox = Batches.prepare(net, examples.get(0).image(), "x", null, box);
        PreparedExample without = Batches.prepare(net, examples.get(0).image(), "x", null, null);
        assertEquals(5 * plane, withBox.image().length);
        assertEquals(0.8f, withBox.image()[3 * plane + 5 * SIZE + 5]);
        assertEquals(0f, withBox.image()[4 * plane + 5 * SIZE + 5], "a prior with a box is not empty");
        assertEquals(1f, without.image()[4 * plane], "no prior: the empty-map flag is set everywhere");
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(2));
            NDList out = net.forward(new ParameterStore(manager, false),
                    Batches.inputs(manager, net, List.of(withBox, without)), false);
            assertEquals(new Shape(2, 1, SIZE, SIZE), out.head().getShape());
            float[] p = Batches.probabilities(out.head()).get(0);
            // the initialised prior path dominates the untrained decoder: inside the box in, outside out
            assertTrue(p[5 * SIZE + 5] > 0.5f && p[28 * SIZE + 28] < 0.5f,
                    "inside " + p[5 * SIZE + 5] + ", outside " + p[28 * SIZE + 28]);
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> Batches.prepare(net, examples.get(0).image(), "x", null, new float[plane - 1]));
        assertTrue(bad.getMessage().contains("needs " + plane), bad.getMessage());
        IllegalArgumentException frozen = assertThrows(IllegalArgumentException.class, () -> ModelConfig.builder()
                .imageEncoder("mobilenet:/x.onnx").decoder(Decoder.UPCONV).textEncoder(FrozenTextEncoder.MINILM_ID)
                .prior("test:any").build());
        assertTrue(frozen.getMessage().contains("a prior channel needs the scratch image encoder"),
                frozen.getMessage());
    }
}
