package org.maskstream.model;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image to network input: a bilinear resize to a square, then channel-first RGB scaled to [-1, 1]. */
public final class ImagePixels {
    private ImagePixels() {
    }

    /** {@code [3, size, size]} values, row-major. */
    public static float[] chw(BufferedImage image, int size) {
        BufferedImage rgb = resize(image, size);
        float[] out = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = rgb.getRGB(x, y);
                int i = y * size + x;
                out[i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
                out[plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
                out[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
            }
        }
        return out;
    }

    /** An RGB copy at {@code size x size} (the image itself when it already is that). */
    public static BufferedImage resize(BufferedImage image, int size) {
        if (image.getWidth() == size && image.getHeight() == size && image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
