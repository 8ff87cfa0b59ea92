package org.maskstream.model;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What a network with a prior channel ({@link ModelConfig#prior()}) is told about where the instruction's objects
 * are, before it looks: e.g. the boxes of the detected objects the instruction names, each filled with its score.
 * The network refines the prior toward the edit region, and learns when not to trust it.
 *
 * <p>Thread-safe; a model holds one for its lifetime and closes it with itself.
 */
public interface PriorSource extends AutoCloseable {

    /**
     * One map per example, in order.
     *
     * @param size side of the square maps
     * @return per example, {@code size * size} values in [0, 1], row-major, all 0 when nothing was found
     */
    List<float[]> priors(List<BufferedImage> images, List<String> instructions, int size);

    @Override
    default void close() {
    }
}
