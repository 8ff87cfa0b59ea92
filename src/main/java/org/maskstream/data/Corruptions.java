package org.maskstream.data;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.random.RandomGenerator;

/**
 * Image corruptions that leave what an image shows, and so its mask and instruction, as they were: sensor noise,
 * defocus blur, JPEG artefacts, another background. Each returns a new {@link BufferedImage#TYPE_INT_RGB} image of
 * the same size; the random ones draw only from the generator they are given, so a seed fixes their pixels.
 */
public final class Corruptions {
    private Corruptions() {
    }

    /** Independent Gaussian noise on every channel of every pixel, {@code sigma} in 8-bit levels. */
    public static BufferedImage noise(BufferedImage image, double sigma, RandomGenerator rnd) {
        int[] px = Images.argb(image);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int out = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                out |= clamp((int) Math.round(((p >> shift) & 0xFF) + sigma * rnd.nextGaussian())) << shift;
            }
            px[i] = out;
        }
        return rgb(image.getWidth(), image.getHeight(), px);
    }

    /**
     * Every pixel's hue turned by {@code hueDegrees}, its saturation and brightness scaled by {@code saturation}
     * and {@code brightness} (clamped to 1).
     */
    public static BufferedImage colourJitter(BufferedImage image, float hueDegrees, float saturation,
                                             float brightness) {
        int[] px = Images.argb(image);
        float[] hsb = new float[3];
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            java.awt.Color.RGBtoHSB((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF, hsb);
            px[i] = java.awt.Color.HSBtoRGB(hsb[0] + hueDegrees / 360f, Math.min(1f, hsb[1] * saturation),
                    Math.min(1f, hsb[2] * brightness)) & 0xFFFFFF;
        }
        return rgb(image.getWidth(), image.getHeight(), px);
    }

    /** A separable Gaussian blur of standard deviation {@code sigma} pixels, edges repeated. */
    public static BufferedImage blur(BufferedImage image, double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = Math.exp(-k * k / (2 * sigma * sigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        int[] px = Images.argb(image);
        double[][] pass = new double[3][w * h];
        double[][] done = new double[3][w * h];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int k = -radius; k <= radius; k++) {
                        v += kernel[k + radius] * ((px[y * w + Math.max(0, Math.min(w - 1, x + k))] >> shift) & 0xFF);
                    }
                    pass[c][y * w + x] = v;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = 0;
                    for (int k = -radius; k <= radius; k++) {
                        v += kernel[k + radius] * pass[c][Math.max(0, Math.min(h - 1, y + k)) * w + x];
                    }
                    done[c][y * w + x] = v;
                }
            }
        }
        int[] out = new int[w * h];
        for (int i = 0; i < out.length; i++) {
            out[i] = clamp((int) Math.round(done[0][i])) << 16 | clamp((int) Math.round(done[1][i])) << 8
                    | clamp((int) Math.round(done[2][i]));
        }
        return rgb(w, h, out);
    }

    /** The image after a round trip through the JDK's JPEG codec at {@code quality} (0 to 1). */
    public static BufferedImage jpeg(BufferedImage image, float quality) {
        if (!(quality >= 0 && quality <= 1)) {
            throw new IllegalArgumentException("JPEG quality must be from 0 to 1, got " + quality);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            // JPEG has no alpha: the writer needs plain RGB
            writer.write(null, new IIOImage(Images.toRgb(image), null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        BufferedImage decoded = Images.decode(bytes.toByteArray());
        return rgb(decoded.getWidth(), decoded.getHeight(), Images.argb(decoded));
    }

    /**
     * The image with every pixel {@code keep} does not cover taken from {@code background} (row-major
     * {@code 0xRRGGBB}, the image's size).
     */
    public static BufferedImage replaceBackground(BufferedImage image, Mask keep, int[] background) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (keep.width() != w || keep.height() != h || background.length != w * h) {
            throw new IllegalArgumentException("image " + w + "x" + h + ", kept pixels " + keep.width() + "x"
                    + keep.height() + " and " + background.length + " background pixels do not match");
        }
        int[] px = Images.argb(image);
        boolean[] kept = keep.pixels();
        for (int i = 0; i < px.length; i++) {
            if (!kept[i]) {
                px[i] = background[i];
            }
        }
        return rgb(w, h, px);
    }

    static BufferedImage rgb(int w, int h, int[] px) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
