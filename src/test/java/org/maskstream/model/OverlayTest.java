package org.maskstream.model;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Mask;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class OverlayTest {
    @Test
    void onlyMaskPixelsAreTinted() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x204060);
        image.setRGB(1, 0, 0x204060);
        BufferedImage out = Overlay.tint(image, new Mask(2, 1, new boolean[] {true, false}));
        assertEquals(0x204060, out.getRGB(1, 0) & 0xFFFFFF);
        int tinted = out.getRGB(0, 0) & 0xFFFFFF;
        assertNotEquals(0x204060, tinted);
        // 55% magenta over (0x20, 0x40, 0x60): red and blue rise towards 255, green falls towards 0
        assertEquals(Math.round(0x20 * 0.45f + 255 * 0.55f), tinted >> 16);
        assertEquals(Math.round(0x40 * 0.45f), (tinted >> 8) & 0xFF);
        assertEquals(Math.round(0x60 * 0.45f + 255 * 0.55f), tinted & 0xFF);
    }

    @Test
    void theTrueMasksOutlineIsItsBoundaryOnly() {
        // a 3x3 truth square inside a 5x5 image: its 8 border pixels are outlined, its centre and the rest are not
        boolean[] square = new boolean[25];
        for (int y = 1; y <= 3; y++) {
            for (int x = 1; x <= 3; x++) {
                square[y * 5 + x] = true;
            }
        }
        BufferedImage image = new BufferedImage(5, 5, BufferedImage.TYPE_INT_RGB);
        BufferedImage out = Overlay.of(image, Mask.empty(5, 5), new Mask(5, 5, square));
        int outlined = 0;
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                boolean border = square[y * 5 + x] && !(x == 2 && y == 2);
                assertEquals(border ? Overlay.OUTLINE : 0, out.getRGB(x, y) & 0xFFFFFF, x + "," + y);
                outlined += border ? 1 : 0;
            }
        }
        assertEquals(8, outlined);
    }
}
