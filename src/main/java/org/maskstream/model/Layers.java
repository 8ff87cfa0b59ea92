package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/** Small building blocks and tensor helpers shared by the encoders, fusions and decoder. */
final class Layers {
    private Layers() {
    }

    /** 3x3 convolution (padding 1) + batch norm + ReLU: {@code [B, C, H, W] -> [B, channels, H/stride, W/stride]}. */
    static SequentialBlock convBnRelu(int channels, int stride) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                        .optStride(new Shape(stride, stride)).setFilters(channels).optBias(false).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock());
    }

    /** Mean over real tokens: {@code tokens [B, T, d]}, {@code mask [B, T]} -> {@code [B, d]}. */
    static NDArray maskedMean(NDArray tokens, NDArray mask) {
        NDArray m = mask.expandDims(2); // [B, T, 1]
        return tokens.mul(m).sum(new int[] {1}).div(m.sum(new int[] {1}).maximum(1e-6f));
    }

    /** Mean over the spatial axes: {@code [B, C, H, W] -> [B, C]}. */
    static NDArray spatialMean(NDArray grid) {
        Shape s = grid.getShape();
        return grid.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}); // [B, C]
    }

    /** Feature grid to a token sequence: {@code [B, d, h, w] -> [B, h*w, d]}. */
    static NDArray gridToTokens(NDArray grid) {
        Shape s = grid.getShape();
        return grid.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1);
    }

    /** Inverse of {@link #gridToTokens}: {@code [B, h*w, d] -> [B, d, side, side]}. */
    static NDArray tokensToGrid(NDArray tokens, long side) {
        Shape s = tokens.getShape();
        return tokens.transpose(0, 2, 1).reshape(s.get(0), s.get(2), side, side);
    }

    /** Nearest-neighbour x2 upsampling (DJL's PyTorch engine has no transposed convolution). */
    static NDArray upsample2(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2); // [B, C, 2H, 2W]
    }
}
