package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The small blocks the spatial cross-attention fusion is made of, checked by hand. */
class FusionBlocksTest {

    @Test
    void filmScalesAndShiftsEachChannelByTheMeanOfTheRealTokens() {
        Film film = Film.tokens(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            film.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 2), new Shape(1, 2, 1), new Shape(1, 2));
            // gamma = (s, 2s), beta = (0, -s) for the 1-d sentence mean s
            parameter(film, "weight").getArray().set(new float[] {1, 2, 0, -1});
            parameter(film, "bias").getArray().set(new float[] {0, 0, 0, 0});
            NDArray x = manager.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 3, 2));
            NDArray tokens = manager.create(new float[] {0.5f, 99f}, new Shape(1, 2, 1)); // 99 is padding
            NDArray mask = manager.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray out = film.forward(new ParameterStore(manager, false), new NDList(x, tokens, mask), false).head();
            // s = 0.5: channel 0 * 1.5, channel 1 * 2 - 0.5
            assertArrayEquals(new float[] {1.5f, 3.5f, 4.5f, 7.5f, 7.5f, 11.5f}, out.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void filmRefusesAFeatureMapOfAnotherWidth() {
        Film film = Film.grid(4);
        try (NDManager manager = NDManager.newBaseManager()) {
            film.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 2, 2), new Shape(1, 3, 8), new Shape(1, 3));
            NDList wrong = new NDList(manager.zeros(new Shape(1, 5, 2, 2)), manager.zeros(new Shape(1, 3, 8)),
                    manager.ones(new Shape(1, 3)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> film.forward(new ParameterStore(manager, false), wrong, false));
            assertEquals("FiLM for 4 channels got (1, 5, 2, 2)", e.getMessage());
        }
    }

    private static Parameter parameter(ai.djl.nn.Block block, String suffix) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getKey().endsWith(suffix)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no parameter ending in " + suffix + " in " + block.getParameters().keys());
    }
}
