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
}
