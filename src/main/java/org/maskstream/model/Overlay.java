package org.maskstream.model;

import org.maskstream.data.Images;
import org.maskstream.data.Mask;

import java.awt.image.BufferedImage;

/** A mask made visible: the image with the mask's pixels tinted, for people checking predictions. */
public final class Overlay {
    /** The tint: a saturated magenta, rare in photos and absent from the synthetic palette. */
    public static final int TINT = 0xFF00FF;
    /** The true mask's outline: cyan, far from the tint and from the synthetic palette's colours. */
    public static final int OUTLINE = 0x00FFFF;
    private static final float ALPHA = 0.55f;

    private Overlay() {
    }

    /** An RGB copy of {@code image} with {@code mask} (same size) tinted over it. */
    public static BufferedImage tint(BufferedImage image, Mask mask) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (mask.width() != w || mask.height() != h) {
            throw new IllegalArgumentException("mask is " + mask.width() + "x" + mask.height() + " but the image is "
                    + w + "x" + h);
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = Images.argb(image);
        boolean[] m = mask.pixels();
        for (int i = 0; i < px.length; i++) {
            px[i] = m[i] ? blend(px[i], TINT) : px[i] & 0xFFFFFF;
        }
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    /**
     * The picture people look at: {@code image} with {@code predicted} tinted and, when given, the outline of
     * {@code truth} drawn over it (both masks at the image's size).
     */
    public static BufferedImage of(BufferedImage image, Mask predicted, Mask truth) {
        BufferedImage out = tint(image, predicted);
        if (truth != null) {
            outline(out, truth, OUTLINE);
        }
        return out;
    }

    /**
     * Draws the boundary of {@code mask} onto {@code image} (same size) in {@code rgb}: every mask pixel with a
     * 4-neighbour outside the mask or on the image's edge.
     */
    public static void outline(BufferedImage image, Mask mask, int rgb) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (mask.width() != w || mask.height() != h) {
            throw new IllegalArgumentException("mask is " + mask.width() + "x" + mask.height() + " but the image is "
                    + w + "x" + h);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask.get(x, y) && (x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask.get(x - 1, y)
                        || !mask.get(x + 1, y) || !mask.get(x, y - 1) || !mask.get(x, y + 1))) {
                    image.setRGB(x, y, rgb);
                }
            }
        }
    }

    private static int blend(int rgb, int tint) {
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            int a = (rgb >> shift) & 0xFF;
            int b = (tint >> shift) & 0xFF;
            out |= Math.round(a * (1 - ALPHA) + b * ALPHA) << shift;
        }
        return out;
    }
}
