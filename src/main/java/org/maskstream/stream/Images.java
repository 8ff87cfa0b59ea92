package org.maskstream.stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/** Image bytes in and out, without ImageIO's disk cache (it would leave files in the temp directory). */
public final class Images {
    static {
        ImageIO.setUseCache(false);
    }

    private Images() {
    }

    /** Width and height from the header, without decoding the pixels. */
    public record Size(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }
    }

    /** The size the header declares; throws {@link IOException} when no reader knows the format. */
    public static Size size(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a PNG or JPEG image (no reader knows its format)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new Size(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        }
    }

    /** Decodes the pixels; throws {@link IOException} for unknown formats and corrupt or truncated data. */
    public static BufferedImage read(byte[] bytes) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (RuntimeException e) {
            throw new IOException("corrupt image data: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("not a PNG or JPEG image (no reader knows its format)");
        }
        return image;
    }

    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG", e);
        }
        return out.toByteArray();
    }
}
