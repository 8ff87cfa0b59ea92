package org.maskstream.model;

/**
 * One example as host values ready for batching: what the encoders' {@code prepare} made, plus the target mask at
 * the network's input size. The trainer prepares every example once, so frozen encoders run once per example.
 *
 * @param image {@link MaskNet#imageInputShape()} values: the image encoder's, then the prior's planes if any
 * @param text  the encoded instruction
 * @param mask  {@code S * S} values in {0, 1}, row-major; {@code null} when unlabeled
 */
public record PreparedExample(float[] image, TextEncoder.EncodedText text, float[] mask) {
}
