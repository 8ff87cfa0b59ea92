package org.maskstream.data;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ImagesTest {

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        int[] values = {0, 100, 40, 40, 200, 100, 40, 40};
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            img.setRGB(i % 4, i / 4, v << 16 | v << 8 | v);
        }
        BufferedImage half = Images.resize(img, 2, 1);
        assertEquals(100, half.getRGB(0, 0) & 0xFF);
        assertEquals(40, (half.getRGB(1, 0) >> 16) & 0xFF);
    }

    @Test
    void upscalingInterpolatesBetweenPixelCentres() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0);
        img.setRGB(1, 0, 0x0000FF);
        BufferedImage up = Images.resizeSquare(img, 4);
        // source centres sit at output x = 0.5 and 2.5 (in output pixels, from 0): x=1 is a quarter of the way
        int[] expected = {0, 64, 191, 255};
        for (int x = 0; x < 4; x++) {
            assertEquals(expected[x], up.getRGB(x, 3) & 0xFF, "x=" + x);
        }
    }

    @Test
    void pngRoundTripKeepsPixelsAndGarbageIsRefused() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0x123456);
        BufferedImage back = Images.decode(Images.encodePng(img));
        assertEquals(0x123456, back.getRGB(2, 1) & 0xFFFFFF);
        assertEquals(BufferedImage.TYPE_INT_RGB, Images.toRgb(back).getType());
        assertThrows(IllegalArgumentException.class, () -> Images.decode(new byte[] {1, 2, 3}));
    }

    @Test
    void rasterReadsGiveWhatGetRgbGivesForEveryImageType() {
        Random random = new Random(7);
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_INT_ARGB_PRE,
                BufferedImage.TYPE_USHORT_GRAY};
        for (int type : types) {
            BufferedImage img = new BufferedImage(13, 7, type);
            for (int i = 0; i < 13 * 7; i++) {
                img.setRGB(i % 13, i / 13, random.nextInt());
            }
            assertArrayEquals(img.getRGB(0, 0, 13, 7, null, 0, 13), Images.argb(img), "type " + type);
            // a sub-image shares its parent's raster with an offset: the fast paths must not read it as whole
            BufferedImage part = img.getSubimage(2, 1, 9, 5);
            assertArrayEquals(part.getRGB(0, 0, 9, 5, null, 0, 9), Images.argb(part), "sub-image of type " + type);
        }
    }

    @Test
    void decodedPngsReadTheSameThroughTheRaster() {
        Random random = new Random(11);
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage img = new BufferedImage(9, 6, type);
            for (int i = 0; i < 9 * 6; i++) {
                img.setRGB(i % 9, i / 9, random.nextInt());
            }
            BufferedImage decoded = Images.decode(Images.encodePng(img));
            assertArrayEquals(decoded.getRGB(0, 0, 9, 6, null, 0, 9), Images.argb(decoded), "decoded type "
                    + decoded.getType());
        }
    }
}
