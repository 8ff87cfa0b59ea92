package org.maskstream.stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * The size an encoded image declares, read from its header before any pixel is decoded, so a decompression bomb
 * is refused before it takes memory.
 *
 * @param bytesPerPixel bytes per pixel of the raster ImageIO decodes it into (its first image type: 4 for packed
 *                      RGB, 8 for 16-bit RGBA, 1 for gray or palette)
 */
public record ImageHeader(int width, int height, int bytesPerPixel) {
    static {
        disableDiskCache();
    }

    /**
     * ImageIO buffers streams through temporary files by default; every image here is already in memory, and
     * files left in the temp directory by a killed JVM are not wanted.
     */
    public static void disableDiskCache() {
        ImageIO.setUseCache(false);
    }

    public long pixels() {
        return (long) width * height;
    }

    /** Heap the decoded raster takes. */
    public long decodedBytes() {
        return pixels() * bytesPerPixel;
    }

    public boolean sameSize(ImageHeader other) {
        return width == other.width && height == other.height;
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** The IEND chunk every complete PNG ends with: length 0, type, CRC. */
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
    /** JPEG writers may pad after the end-of-image marker; look for it this far from the end. */
    private static final int JPEG_END_SEARCH = 64;

    /**
     * Throws when PNG or JPEG bytes stop before their end marker: ImageIO decodes many truncated files without
     * complaint (a PNG missing only its last chunks, a JPEG missing its tail shows grey), and a cut-off upload is
     * not an image to edit.
     */
    public static void checkComplete(byte[] bytes) throws IOException {
        if (startsWith(bytes, PNG_SIGNATURE) && !endsWith(bytes, PNG_END)) {
            throw new IOException("the PNG is truncated (it does not end with an IEND chunk)");
        }
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8 && !hasJpegEnd(bytes)) {
            throw new IOException("the JPEG is truncated (no end-of-image marker)");
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        if (bytes.length < suffix.length) {
            return false;
        }
        int offset = bytes.length - suffix.length;
        for (int i = 0; i < suffix.length; i++) {
            if (bytes[offset + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasJpegEnd(byte[] bytes) {
        for (int i = bytes.length - 2; i >= Math.max(2, bytes.length - JPEG_END_SEARCH); i--) {
            if ((bytes[i] & 0xFF) == 0xFF && (bytes[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    /** Reads the header; throws {@link IOException} when no reader knows the format. */
    public static ImageHeader read(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a PNG or JPEG image (no reader knows its format)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new IOException("the header declares " + width + "x" + height + " pixels");
                }
                Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
                if (types == null || !types.hasNext()) {
                    throw new IOException("no pixel format ImageIO can decode it into");
                }
                SampleModel pixel = types.next().getSampleModel(1, 1);
                int perPixel = DataBuffer.getDataTypeSize(pixel.getDataType()) / 8 * pixel.getNumDataElements();
                return new ImageHeader(width, height, Math.max(1, perPixel));
            } finally {
                reader.dispose();
            }
        } catch (RuntimeException e) {
            throw new IOException("corrupt image header: " + e.getMessage(), e);
        }
    }
}
