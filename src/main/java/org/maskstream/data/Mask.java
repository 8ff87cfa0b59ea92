package org.maskstream.data;

import org.maskstream.metrics.IouCounts;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * A binary edit mask: {@code true} marks a pixel of the region to edit. Row-major, {@code width * height} cells.
 *
 * <p>Immutable: the pixel array is copied in and out, so a mask can travel between threads and operators.
 */
public final class Mask {
    private final int width;
    private final int height;
    private final boolean[] pixels;

    public Mask(int width, int height, boolean[] pixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "mask of " + width + "x" + height + " needs " + width * height + " pixels, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels.clone();
    }

    public static Mask empty(int width, int height) {
        return new Mask(width, height, new boolean[width * height]);
    }

    /**
     * Reads a mask image by the dataset contract: for images with alpha, a transparent pixel (alpha 0) is the
     * edit region, as in DALL-E style masks; otherwise any non-black pixel (gray or RGB) is.
     */
    public static Mask fromImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        boolean alpha = image.getColorModel().hasAlpha();
        boolean[] px = new boolean[w * h];
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && image.getRaster().getParent() == null
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && image.getRaster().getSampleModel() instanceof ComponentSampleModel gray
                && gray.getScanlineStride() == w && gray.getPixelStride() == 1) {
            // Gray to sRGB maps 0 to black and every other level to a non-black one, so the stored byte decides.
            byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            int offset = image.getRaster().getDataBuffer().getOffset() + gray.getBandOffsets()[0];
            for (int i = 0; i < px.length; i++) {
                px[i] = data[offset + i] != 0;
            }
            return new Mask(w, h, px);
        }
        int[] argb = Images.argb(image);
        for (int i = 0; i < px.length; i++) {
            px[i] = alpha ? (argb[i] >>> 24) == 0 : (argb[i] & 0xFFFFFF) != 0;
        }
        return new Mask(w, h, px);
    }

    /** Thresholds per-pixel probabilities (row-major, {@code width * height}) at {@code threshold}. */
    public static Mask fromProbabilities(int width, int height, float[] probabilities, float threshold) {
        boolean[] px = new boolean[probabilities.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = probabilities[i] >= threshold;
        }
        return new Mask(width, height, px);
    }

    /** An 8-bit gray image, 255 = edit region, 0 elsewhere. */
    public BufferedImage toImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            data[i] = pixels[i] ? (byte) 255 : 0;
        }
        return img;
    }

    /** Nearest-neighbour resampling, which keeps the mask binary. */
    public Mask resize(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) {
            return this;
        }
        boolean[] px = new boolean[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++) {
            int sy = Math.min(height - 1, (int) ((y + 0.5) * height / newHeight));
            for (int x = 0; x < newWidth; x++) {
                int sx = Math.min(width - 1, (int) ((x + 0.5) * width / newWidth));
                px[y * newWidth + x] = pixels[sy * width + sx];
            }
        }
        return new Mask(newWidth, newHeight, px);
    }


    /**
     * Area resampling: a pixel of the result is set when set pixels cover at least half of its area. A downscale
     * so keeps the object where a bilinear downscale of its image puts it (by 2, each 2x2 block; nearest
     * neighbour would take one pixel of each block, half a source pixel off the image's pixel centre), and is
     * the mask a renderer would draw at the smaller size.
     */
    public Mask resizeByCoverage(int newWidth, int newHeight) {
        if (newWidth <= 0 || newHeight <= 0) {
            throw new IllegalArgumentException("mask size must be positive, got " + newWidth + "x" + newHeight);
        }
        boolean[] px = new boolean[newWidth * newHeight];
        double cellWidth = width / (double) newWidth;
        double cellHeight = height / (double) newHeight;
        for (int y = 0; y < newHeight; y++) {
            double top = y * cellHeight;
            double bottom = top + cellHeight;
            for (int x = 0; x < newWidth; x++) {
                double left = x * cellWidth;
                double right = left + cellWidth;
                double covered = 0;
                for (int sy = (int) top; sy < Math.min(height, Math.ceil(bottom)); sy++) {
                    double dy = Math.min(bottom, sy + 1) - Math.max(top, sy);
                    for (int sx = (int) left; sx < Math.min(width, Math.ceil(right)); sx++) {
                        if (pixels[sy * width + sx]) {
                            covered += dy * (Math.min(right, sx + 1) - Math.max(left, sx));
                        }
                    }
                }
                px[y * newWidth + x] = covered >= 0.5 * cellWidth * cellHeight - 1e-9;
            }
        }
        return new Mask(newWidth, newHeight, px);
    }

    /** This mask's counts as a prediction of {@code truth}, which must have the same size. */
    public IouCounts iouCounts(Mask truth) {
        if (width != truth.width || height != truth.height) {
            throw new IllegalArgumentException("predicted mask is " + width + "x" + height
                    + " but the truth is " + truth.width + "x" + truth.height + ": resize one first");
        }
        return IouCounts.of(pixels, truth.pixels);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean get(int x, int y) {
        return pixels[y * width + x];
    }

    public boolean[] pixels() {
        return pixels.clone();
    }

    public int area() {
        int n = 0;
        for (boolean p : pixels) {
            if (p) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.width == width && m.height == height && Arrays.equals(m.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area=" + area() + "]";
    }
}
