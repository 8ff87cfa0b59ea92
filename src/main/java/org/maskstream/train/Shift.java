package org.maskstream.train;

import org.maskstream.model.PreparedExample;

/**
 * Translates a prepared example's image and mask together by whole pixels, repeating the edge rows and columns
 * into the uncovered border. Every reference of the benchmark is relative ("the circle on the left" of the
 * circles, "the largest" of the triangles), so a small translation keeps the instruction true while the network
 * stops tying an answer to absolute grid positions it memorised.
 */
final class Shift {
    private Shift() {
    }

    /**
     * @param e    an example whose image is {@code C} planes of {@code size x size} pixels, row-major
     * @param dx   pixels to the right (negative: left)
     * @param dy   pixels down (negative: up)
     */
    static PreparedExample apply(PreparedExample e, int size, int dx, int dy) {
        if (dx == 0 && dy == 0) {
            return e;
        }
        return new PreparedExample(planes(e.image(), size, dx, dy), e.text(),
                e.mask() == null ? null : planes(e.mask(), size, dx, dy));
    }

    private static float[] planes(float[] in, int size, int dx, int dy) {
        int plane = size * size;
        if (in.length % plane != 0) {
            throw new IllegalArgumentException("cannot shift " + in.length + " values as planes of " + size + " x "
                    + size + " pixels");
        }
        float[] out = new float[in.length];
        for (int p = 0; p < in.length; p += plane) {
            for (int y = 0; y < size; y++) {
                int from = p + clamp(y - dy, size) * size;
                for (int x = 0; x < size; x++) {
                    out[p + y * size + x] = in[from + clamp(x - dx, size)];
                }
            }
        }
        return out;
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(size - 1, i));
    }
}
