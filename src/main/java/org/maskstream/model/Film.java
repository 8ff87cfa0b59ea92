package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Feature-wise linear modulation by the instruction: {@code x * (1 + gamma(s)) + beta(s)}, with {@code s} the mean of
 * the real instruction tokens and {@code gamma}, {@code beta} one linear map of it. Attention adds what the text says
 * to a token; the product lets every channel be switched on or off by the text, which is how "red" AND "square"
 * becomes one feature without a second layer.
 *
 * <p>{@code NDList(x, tokens [B, T, dt], mask [B, T])}, where {@code x} is {@code [B, N, c]} (tokens,
 * {@link #tokens}) or {@code [B, c, h, w]} (a feature map, {@link #grid}); output: the shape of {@code x}.
 */
public final class Film extends AbstractBlock {
    private final int channels;
    private final boolean grid;
    private final Linear scaleAndShift;

    private Film(int channels, boolean grid) {
        if (channels < 1) {
            throw new IllegalArgumentException("FiLM needs at least one channel, got " + channels);
        }
        this.channels = channels;
        this.grid = grid;
        scaleAndShift = addChildBlock("scale_shift", Linear.builder().setUnits(2L * channels).build());
    }

    /** Modulates a token sequence {@code [B, N, channels]}. */
    public static Film tokens(int channels) {
        return new Film(channels, false);
    }

    /** Modulates a feature map {@code [B, channels, h, w]}. */
    public static Film grid(int channels) {
        return new Film(channels, true);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray sentence = Layers.maskedMean(inputs.get(1), inputs.get(2)); // [B, dt]
        NDArray both = scaleAndShift.forward(ps, new NDList(sentence), training).head(); // [B, 2c]
        long b = both.getShape().get(0);
        // [B, 1, 2c] against tokens, [B, 2c, 1, 1] against a feature map
        both = grid ? both.reshape(b, 2L * channels, 1, 1) : both.reshape(b, 1, 2L * channels);
        int axis = grid ? 1 : 2;
        NDArray scale = both.get(grid ? ":, :" + channels : ":, :, :" + channels);
        NDArray shift = both.get(grid ? ":, " + channels + ":" : ":, :, " + channels + ":");
        if (x.getShape().get(axis) != channels) {
            throw new IllegalArgumentException("FiLM for " + channels + " channels got " + x.getShape());
        }
        return new NDList(x.mul(scale.add(1f)).add(shift));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape text = inputShapes[1];
        scaleAndShift.initialize(manager, dataType, new Shape(text.get(0), text.get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
