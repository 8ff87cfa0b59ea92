package org.maskstream.model;

import ai.djl.nn.Block;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * The text side of a network, split like {@link ImageEncoder}: {@link #prepare} turns an instruction into fixed-size
 * host values (token ids for {@code scratch}; frozen per-token features for a pretrained encoder) and
 * {@link #block()} holds what trains.
 */
public interface TextEncoder {

    /** The id written to {@code config.json}. */
    String id();

    /** Shape of one example's {@link EncodedText#features()}, without the batch axis ({@code [T]} or {@code [T, F]}). */
    Shape inputShape();

    /** One instruction as host values. Thread-safe. */
    EncodedText prepare(String instruction);

    /**
     * {@link #prepare} of each instruction, in order; an encoder whose calls cost more than their work (a frozen
     * network) runs them in batches. Thread-safe.
     */
    default List<EncodedText> prepareAll(List<String> instructions) {
        return instructions.stream().map(this::prepare).toList();
    }

    /**
     * The trainable part: {@code NDList(features [B, inputShape...], mask [B, T])} to
     * {@code NDList(tokens [B, T, d], mask [B, T])}; mask is 1 for a real token and 0 for padding.
     */
    Block block();

    /**
     * One instruction's host values.
     *
     * @param features {@link #inputShape()} values, row-major
     * @param mask     {@code T} values, 1 for a real token, 0 for padding
     */
    record EncodedText(float[] features, float[] mask) {
    }
}
