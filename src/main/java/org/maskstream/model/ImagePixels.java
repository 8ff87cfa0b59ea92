package org.maskstream.model;

import org.maskstream.data.Images;

import java.awt.image.BufferedImage;

/**
 * Image to network input: a bilinear resize to a square ({@link Images#resizeSquare}, the same pixels on every
 * platform), then channel-first RGB scaled to [-1, 1].
 */
public final class ImagePixels {
    private ImagePixels() {
    }

    /** {@code [3, size, size]} values, row-major. */
    public static float[] chw(BufferedImage image, int size) {
        BufferedImage rgb = image.getWidth() == size && image.getHeight() == size ? image
                : Images.resizeSquare(image, size);
        float[] out = new float[3 * size * size];
        int plane = size * size;
        int[] pixels = Images.argb(rgb);
        for (int i = 0; i < plane; i++) {
            int p = pixels[i];
            out[i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
            out[plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
            out[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
        }
        return out;
    }
}
