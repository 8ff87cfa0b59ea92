package org.maskstream.data;

import java.awt.image.BufferedImage;

/**
 * A rotation of a {@code width x height} picture about its centre, by nearest neighbour: one source pixel per
 * output pixel, worked out once and used for the image and its mask alike, so the rotated mask covers exactly the
 * rotated object's pixels. No colour is blended, so a rotated object keeps its drawn colour.
 *
 * @param radians clockwise on screen (y points down)
 */
public record Rotation(int width, int height, double radians) {
    public Rotation {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("rotation of a " + width + "x" + height + " picture");
        }
    }

    /** Where point {@code (x, y)} (pixel units, 0 at the left and top edges) goes: {@code {x', y'}}. */
    public double[] point(double x, double y) {
        double cx = width / 2.0;
        double cy = height / 2.0;
        double c = Math.cos(radians);
        double s = Math.sin(radians);
        return new double[] {cx + c * (x - cx) - s * (y - cy), cy + s * (x - cx) + c * (y - cy)};
    }

    /** For each output pixel, row-major, the index of the source pixel it shows; -1 when that lies outside. */
    private int[] sources() {
        return sources(false);
    }

    /**
     * For each output pixel, row-major, the index of the source pixel it shows, those from outside the picture
     * taking the nearest edge pixel: a rotation for pictures with nothing to fill the corners from, as
     * {@code Shift} repeats the edges of a translated one.
     */
    public int[] sourcesRepeatingEdges() {
        return sources(true);
    }

    private int[] sources(boolean repeatEdges) {
        int[] src = new int[width * height];
        Rotation back = new Rotation(width, height, -radians);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double[] p = back.point(x + 0.5, y + 0.5);
                int sx = (int) Math.floor(p[0]);
                int sy = (int) Math.floor(p[1]);
                if (repeatEdges) {
                    sx = Math.max(0, Math.min(width - 1, sx));
                    sy = Math.max(0, Math.min(height - 1, sy));
                }
                src[y * width + x] = sx < 0 || sy < 0 || sx >= width || sy >= height ? -1 : sy * width + sx;
            }
        }
        return src;
    }

    /** The rotated image; corners that come from outside it take {@code fill}'s pixels (same size). */
    public BufferedImage image(BufferedImage image, BufferedImage fill) {
        check(image.getWidth(), image.getHeight());
        check(fill.getWidth(), fill.getHeight());
        int[] px = Images.argb(image);
        int[] outside = Images.argb(fill);
        int[] src = sources();
        int[] out = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] < 0 ? outside[i] : px[src[i]];
        }
        return Corruptions.rgb(width, height, out);
    }

    /** The rotated mask; corners that come from outside it are not in it. */
    public Mask mask(Mask mask) {
        check(mask.width(), mask.height());
        boolean[] px = mask.pixels();
        int[] src = sources();
        boolean[] out = new boolean[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] >= 0 && px[src[i]];
        }
        return new Mask(width, height, out);
    }

    private void check(int w, int h) {
        if (w != width || h != height) {
            throw new IllegalArgumentException("a " + w + "x" + h + " picture for a rotation of " + width + "x"
                    + height);
        }
    }
}
