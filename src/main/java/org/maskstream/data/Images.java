package org.maskstream.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Image helpers shared by the data, model and stream parts. Resampling is done here in plain Java rather than with
 * Java2D so that it gives the same pixels on every JVM and platform.
 */
public final class Images {
    private Images() {
    }

    /**
     * Decodes PNG, JPEG or any other format ImageIO reads into an RGB image.
     *
     * @throws IllegalArgumentException when the bytes are not an image ImageIO can read
     */
    public static BufferedImage decode(byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable image (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException("not a readable image (" + bytes.length + " bytes): no decoder accepts it");
        }
        return img;
    }

    /**
     * Encodes an image as PNG, keeping its colour model (gray stays gray, alpha stays). Buffers in memory:
     * {@code ImageIO.write} to a stream would go through a temporary file per image.
     */
    public static byte[] encodePng(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * Every pixel as packed non-premultiplied sRGB ARGB, row-major: what {@code image.getRGB(0, 0, w, h, null, 0, w)}
     * returns. The image types decoders and this project produce (int RGB/ARGB, 3-byte BGR, 4-byte ABGR) are read
     * straight from their raster: {@code getRGB} converts each pixel through the colour model, which made pixel
     * reads a third of the job's CPU at batch 32 ({@code docs/results/bench.md}).
     */
    public static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        WritableRaster raster = image.getRaster();
        boolean whole = raster.getParent() == null && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0;
        int type = image.getType();
        if (whole && (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel packed
                && packed.getScanlineStride() == w && raster.getDataBuffer().getNumBanks() == 1) {
            int[] data = ((DataBufferInt) raster.getDataBuffer()).getData();
            int offset = raster.getDataBuffer().getOffset();
            int[] out = new int[w * h];
            int opaque = type == BufferedImage.TYPE_INT_RGB ? 0xFF000000 : 0;
            for (int i = 0; i < out.length; i++) {
                out[i] = data[offset + i] | opaque;
            }
            return out;
        }
        int bands = type == BufferedImage.TYPE_3BYTE_BGR ? 3 : type == BufferedImage.TYPE_4BYTE_ABGR ? 4 : 0;
        if (whole && bands > 0 && raster.getSampleModel() instanceof ComponentSampleModel interleaved
                && interleaved.getPixelStride() == bands && interleaved.getScanlineStride() == w * bands
                && raster.getDataBuffer().getNumBanks() == 1) {
            byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
            // Band offsets say where R, G, B (and A) sit inside each pixel's bytes.
            int[] band = interleaved.getBandOffsets();
            int base = raster.getDataBuffer().getOffset();
            int[] out = new int[w * h];
            for (int i = 0, p = base; i < out.length; i++, p += bands) {
                int a = bands == 4 ? data[p + band[3]] & 0xFF : 0xFF;
                out[i] = a << 24 | (data[p + band[0]] & 0xFF) << 16 | (data[p + band[1]] & 0xFF) << 8
                        | (data[p + band[2]] & 0xFF);
            }
            return out;
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    /** The image as {@link BufferedImage#TYPE_INT_RGB} (alpha dropped); the same instance when it already is. */
    public static BufferedImage toRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, w, h, argb(image), 0, w);
        return rgb;
    }

    /** Bilinear resize to {@code size x size} (aspect ratio not kept), as an RGB image. */
    public static BufferedImage resizeSquare(BufferedImage image, int size) {
        return resize(image, size, size);
    }

    /**
     * Bilinear resize to {@code width x height} as an RGB image. Pixel centres are aligned (the convention of
     * PyTorch's {@code align_corners=false}), so a downscale by 2 averages each 2x2 block.
     */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        int sw = image.getWidth();
        int sh = image.getHeight();
        int[] src = argb(image);
        if (sw == width && sh == height) {
            BufferedImage same = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            same.setRGB(0, 0, width, height, src, 0, width);
            return same;
        }
        int[] dst = new int[width * height];
        for (int y = 0; y < height; y++) {
            double fy = Math.max(0, (y + 0.5) * sh / height - 0.5);
            int y0 = Math.min((int) fy, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            double wy = fy - y0;
            for (int x = 0; x < width; x++) {
                double fx = Math.max(0, (x + 0.5) * sw / width - 0.5);
                int x0 = Math.min((int) fx, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                double wx = fx - x0;
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    double top = channel(src[y0 * sw + x0], shift) * (1 - wx) + channel(src[y0 * sw + x1], shift) * wx;
                    double bottom = channel(src[y1 * sw + x0], shift) * (1 - wx) + channel(src[y1 * sw + x1], shift) * wx;
                    int v = (int) Math.round(top * (1 - wy) + bottom * wy);
                    rgb |= Math.min(255, Math.max(0, v)) << shift;
                }
                dst[y * width + x] = rgb;
            }
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, width, height, dst, 0, width);
        return out;
    }

    private static int channel(int rgb, int shift) {
        return (rgb >> shift) & 0xFF;
    }

    /**
     * Each image resized to {@code size x size}, as RGB bytes in NHWC order {@code [n, size, size, 3]}: the input of
     * the TensorFlow-exported ONNX graphs (MobileNetV2, the SSD detector). A direct buffer, flipped, ready to read.
     */
    public static ByteBuffer rgbBytesNhwc(List<BufferedImage> images, int size) {
        ByteBuffer pixels = ByteBuffer.allocateDirect(images.size() * size * size * 3);
        for (BufferedImage image : images) {
            int[] rgb = argb(resizeSquare(image, size));
            for (int p : rgb) {
                pixels.put((byte) (p >> 16)).put((byte) (p >> 8)).put((byte) p);
            }
        }
        return pixels.flip();
    }
}
