package org.maskstream.stream;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A test-only image format ({@value #MAGIC} then nothing) whose header declares 4x4 RGB and whose decoding throws
 * an {@link OutOfMemoryError}, standing in for an image that exhausts the heap while it is decoded (real ones need a
 * heap small enough to fill, which a unit test cannot choose).
 */
final class ErrorThrowingImages {
    static final String MAGIC = "OOM!";

    private ErrorThrowingImages() {
    }

    static byte[] image() {
        return MAGIC.getBytes(StandardCharsets.US_ASCII);
    }

    /** Registers the format with ImageIO (once per JVM; later calls are no-ops). */
    static synchronized void register() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        if (registry.getServiceProviderByClass(Spi.class) == null) {
            registry.registerServiceProvider(new Spi());
        }
    }

    public static final class Spi extends ImageReaderSpi {
        public Spi() {
            super("maskstream-test", "1", new String[] {"oom"}, new String[] {"oom"}, new String[] {"image/x-oom"},
                    Reader.class.getName(), new Class<?>[] {ImageInputStream.class}, null, false, null, null, null,
                    null, false, null, null, null, null);
        }

        @Override
        public boolean canDecodeInput(Object source) throws IOException {
            ImageInputStream in = (ImageInputStream) source;
            byte[] head = new byte[MAGIC.length()];
            in.mark();
            try {
                return in.read(head) == head.length && MAGIC.equals(new String(head, StandardCharsets.US_ASCII));
            } finally {
                in.reset();
            }
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new Reader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "test images that run out of memory when decoded";
        }
    }

    static final class Reader extends ImageReader {
        Reader(ImageReaderSpi spi) {
            super(spi);
        }

        @Override
        public int getNumImages(boolean allowSearch) {
            return 1;
        }

        @Override
        public int getWidth(int imageIndex) {
            return 4;
        }

        @Override
        public int getHeight(int imageIndex) {
            return 4;
        }

        @Override
        public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
            return List.of(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB)).iterator();
        }

        @Override
        public IIOMetadata getStreamMetadata() {
            return null;
        }

        @Override
        public IIOMetadata getImageMetadata(int imageIndex) {
            return null;
        }

        @Override
        public BufferedImage read(int imageIndex, ImageReadParam param) {
            throw new OutOfMemoryError("injected: decoding this image exhausted the heap");
        }
    }
}
