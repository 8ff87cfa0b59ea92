package org.maskstream.model;

import org.maskstream.data.Mask;

import java.awt.image.BufferedImage;

/** A mask made visible: the image with the mask's pixels tinted, for people checking predictions. */
public final class Overlay {
    /** The tint: a saturated magenta, rare in photos and absent from the synthetic palette. */
    public static final int TINT = 0xFF00FF;
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
        int[] px = image.getRGB(0, 0, w, h, null, 0, w);
        boolean[] m = mask.pixels();
        for (int i = 0; i < px.length; i++) {
            px[i] = m[i] ? blend(px[i], TINT) : px[i] & 0xFFFFFF;
        }
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
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
