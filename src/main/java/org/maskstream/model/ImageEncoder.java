package org.maskstream.model;

import ai.djl.nn.Block;
import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The image side of a network, split at the seam between host work and trainable work so a frozen pretrained
 * encoder (an ONNX model run outside the PyTorch graph) fits beside the scratch CNN: {@link #prepare} turns one
 * image into the block's input (pixels for {@code scratch}; frozen features for a pretrained encoder, which the
 * trainer computes once per example and caches), and {@link #block()} holds everything that trains (the CNN, or a
 * linear adapter over frozen features).
 */
public interface ImageEncoder {

    /** The id written to {@code config.json}. */
    String id();

    /** Shape of one example's {@link #prepare} output, without the batch axis (e.g. {@code [3, S, S]}). */
    Shape inputShape();

    /** One image, any size, as {@link #inputShape()} values, row-major. Thread-safe. */
    float[] prepare(BufferedImage image);

    /**
     * The trainable part: {@code [B, inputShape...]} to {@code NDList(grid [B, d, S/8, S/8], skips...)} where the
     * skips are finer feature maps ordered coarse to fine ({@code [B, c, S/4, S/4]}, {@code [B, c', S/2, S/2]}).
     */
    Block block();

    /** Channels of the skips {@link #block()} returns after the grid, coarse to fine; empty when it has none. */
    List<Integer> skipChannels();
}
