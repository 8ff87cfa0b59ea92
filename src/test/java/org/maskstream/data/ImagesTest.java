package org.maskstream.data;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

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
}
