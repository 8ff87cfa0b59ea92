package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A small CNN trained from scratch: three stride-2 stages (each two 3x3 conv + batch norm + ReLU) take
 * {@code [B, 3, S, S]} pixels to a {@code [B, d, S/8, S/8]} grid, keeping the {@code S/4} and {@code S/2} stages as
 * skips for the U-Net decoder.
 */
public final class ScratchImageEncoder implements ImageEncoder {
    private final int inputSize;
    private final int fine;
    private final int mid;
    private final Block block;

    public ScratchImageEncoder(int inputSize, int dim) {
        this.inputSize = inputSize;
        this.fine = Math.max(8, dim / 4);
        this.mid = Math.max(8, dim / 2);
        this.block = new Net(fine, mid, dim);
    }

    @Override
    public String id() {
        return ModelConfig.SCRATCH;
    }

    @Override
    public Shape inputShape() {
        return new Shape(3, inputSize, inputSize);
    }

    @Override
    public float[] prepare(BufferedImage image) {
        return ImagePixels.chw(image, inputSize);
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<Integer> skipChannels() {
        return List.of(mid, fine);
    }

    private static SequentialBlock stage(int channels) {
        return new SequentialBlock().add(Layers.convBnRelu(channels, 2)).add(Layers.convBnRelu(channels, 1));
    }

    /** {@code [B, 3, S, S] -> NDList([B, d, S/8, S/8], [B, mid, S/4, S/4], [B, fine, S/2, S/2])}. */
    private static final class Net extends AbstractBlock {
        private final Block half;
        private final Block quarter;
        private final Block eighth;

        Net(int fine, int mid, int dim) {
            half = addChildBlock("half", stage(fine));
            quarter = addChildBlock("quarter", stage(mid));
            eighth = addChildBlock("eighth", stage(dim));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDList h = half.forward(ps, inputs, training);
            NDList q = quarter.forward(ps, h, training);
            NDList e = eighth.forward(ps, q, training);
            return new NDList(e.singletonOrThrow(), q.singletonOrThrow(), h.singletonOrThrow());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape[] h = init(half, manager, dataType, inputShapes);
            Shape[] q = init(quarter, manager, dataType, h);
            eighth.initialize(manager, dataType, q);
        }

        private static Shape[] init(Block b, NDManager manager, DataType dataType, Shape[] in) {
            b.initialize(manager, dataType, in);
            return b.getOutputShapes(in);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape[] h = half.getOutputShapes(inputShapes);
            Shape[] q = quarter.getOutputShapes(h);
            return new Shape[] {eighth.getOutputShapes(q)[0], q[0], h[0]};
        }
    }
}
