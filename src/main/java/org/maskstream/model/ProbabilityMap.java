package org.maskstream.model;

import org.maskstream.data.Mask;

/** A model's square probability map turned into a mask of any size. */
public final class ProbabilityMap {
    private ProbabilityMap() {
    }

    /**
     * Bilinearly resamples {@code probabilities} ({@code size x size}, row-major) to {@code width x height} and
     * thresholds it, so masks of large photos get smooth edges rather than {@code size}-pixel blocks.
     */
    public static Mask toMask(float[] probabilities, int size, float threshold, int width, int height) {
        if (probabilities.length != size * size) {
            throw new IllegalArgumentException("expected " + size * size + " probabilities, got "
                    + probabilities.length);
        }
        if (width == size && height == size) {
            return Mask.fromProbabilities(size, size, probabilities, threshold);
        }
        boolean[] px = new boolean[width * height];
        for (int y = 0; y < height; y++) {
            double sy = Math.max(0, Math.min(size - 1, (y + 0.5) * size / height - 0.5));
            int y0 = (int) sy;
            int y1 = Math.min(size - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.max(0, Math.min(size - 1, (x + 0.5) * size / width - 0.5));
                int x0 = (int) sx;
                int x1 = Math.min(size - 1, x0 + 1);
                double fx = sx - x0;
                double top = probabilities[y0 * size + x0] * (1 - fx) + probabilities[y0 * size + x1] * fx;
                double bottom = probabilities[y1 * size + x0] * (1 - fx) + probabilities[y1 * size + x1] * fx;
                px[y * width + x] = top * (1 - fy) + bottom * fy >= threshold;
            }
        }
        return new Mask(width, height, px);
    }
}
