package org.maskstream.model;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A loaded edit-mask model, the one seam between the model library and its users (CLI, stream, retraining).
 *
 * <p>Not thread-safe: each thread (each Flink subtask) holds its own instance. {@link #close()} frees its native
 * memory.
 */
public interface MaskModel extends AutoCloseable {

    /** An identifier of the exact parameters: the registry version, or the parameter hash prefix. */
    String version();

    /** Side of the square the model reads images at and predicts masks at, in pixels. */
    int inputSize();

    /** Probability threshold above which a pixel belongs to the edit region. */
    float threshold();

    /**
     * One batched forward pass. Images of any size are resized to {@link #inputSize()}.
     *
     * @return per example, edit-region probabilities at {@code inputSize x inputSize}, row-major
     */
    List<float[]> predict(List<BufferedImage> images, List<String> instructions);

    @Override
    void close();
}
