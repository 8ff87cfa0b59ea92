package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * Fused features to mask logits at the input size: {@code NDList(fused [B, C, h, w], skips...) -> [B, 1, S, S]}.
 *
 * <p>A 1x1 input (the pooled fusions) is first expanded by a linear layer to {@code [B, C, 4, 4]} (what a 4x4
 * transposed convolution does to a 1x1 input). Then each step doubles the side by nearest-neighbour repetition,
 * concatenates the skip of that side when one was given (U-Net), and applies a 3x3 conv + batch norm + ReLU,
 * halving the channels down to 16. A final 1x1 conv gives one logit per pixel.
 */
public final class MaskDecoder extends AbstractBlock {
    private static final int EXPANDED_SIDE = 4;
    private static final int MIN_CHANNELS = 16;

    private final int outputSize;
    private final int inputChannels;
    private final Linear expand;
    private final List<Block> steps = new ArrayList<>();
    private final Conv2d head;

    /**
     * @param inputChannels C of the fused features
     * @param inputSide     side of the fused features (1 for pooled fusions)
     * @param outputSize    side S of the mask, {@code inputSide} (or 4 when it is 1) times a power of two
     */
    public MaskDecoder(int inputChannels, int inputSide, int outputSize) {
        this.outputSize = outputSize;
        this.inputChannels = inputChannels;
        this.expand = inputSide == 1 ? addChildBlock("expand",
                Linear.builder().setUnits((long) inputChannels * EXPANDED_SIDE * EXPANDED_SIDE).build()) : null;
        int side = inputSide == 1 ? EXPANDED_SIDE : inputSide;
        if (outputSize % side != 0 || Integer.bitCount(outputSize / side) != 1) {
            throw new IllegalArgumentException("decoder: mask size " + outputSize
                    + " is not a power-of-two multiple of the feature side " + side);
        }
        int channels = inputChannels;
        for (int i = 0; side < outputSize; i++, side *= 2) {
            channels = Math.max(MIN_CHANNELS, channels / 2);
            steps.add(addChildBlock("up" + i, Layers.convBnRelu(channels, 1)));
        }
        head = addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(1).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        if (expand != null) {
            long b = x.getShape().get(0);
            x = Activation.relu(expand.forward(ps, new NDList(x.reshape(b, inputChannels)), training).head())
                    .reshape(b, inputChannels, EXPANDED_SIDE, EXPANDED_SIDE); // [B, C, 4, 4]
        }
        for (Block step : steps) {
            x = Layers.upsample2(x); // [B, C, 2h, 2w]
            NDArray skip = skipOfSide(inputs, x.getShape().get(2));
            if (skip != null) {
                x = NDArrays.concat(new NDList(x, skip), 1); // [B, C + c, 2h, 2w]
            }
            x = step.forward(ps, new NDList(x), training).head();
        }
        return head.forward(ps, new NDList(x), training); // [B, 1, S, S]
    }

    private static NDArray skipOfSide(NDList inputs, long side) {
        for (int i = 1; i < inputs.size(); i++) {
            if (inputs.get(i).getShape().get(2) == side) {
                return inputs.get(i);
            }
        }
        return null;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        long b = x.get(0);
        if (expand != null) {
            expand.initialize(manager, dataType, new Shape(b, inputChannels));
            x = new Shape(b, inputChannels, EXPANDED_SIDE, EXPANDED_SIDE);
        }
        for (Block step : steps) {
            long side = x.get(2) * 2;
            long channels = x.get(1);
            for (int i = 1; i < inputShapes.length; i++) {
                if (inputShapes[i].get(2) == side) {
                    channels += inputShapes[i].get(1);
                }
            }
            Shape in = new Shape(b, channels, side, side);
            step.initialize(manager, dataType, in);
            x = step.getOutputShapes(new Shape[] {in})[0];
        }
        head.initialize(manager, dataType, x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 1, outputSize, outputSize)};
    }
}
