package org.maskstream.data;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskTest {

    @Test
    void imageRoundTrip() {
        Mask m = new Mask(3, 2, new boolean[] {true, false, false, false, true, true});
        assertEquals(m, Mask.fromImage(m.toImage()));
    }

    @Test
    void grayAndRgbNonBlackIsTheEditRegion() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(1, 0, 0x010000);
        Mask m = Mask.fromImage(rgb);
        assertFalse(m.get(0, 0));
        assertTrue(m.get(1, 0));
    }

    @Test
    void everyGrayLevelButBlackIsTheEditRegionAsGetRgbSaysOnWholeAndSubImages() {
        BufferedImage gray = new BufferedImage(256, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int level = 0; level < 256; level++) {
            gray.getRaster().setSample(level, 0, 0, level);
            gray.getRaster().setSample(255 - level, 1, 0, level);
        }
        for (BufferedImage image : new BufferedImage[] {gray, gray.getSubimage(3, 1, 200, 1)}) {
            Mask m = Mask.fromImage(image);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    assertEquals((image.getRGB(x, y) & 0xFFFFFF) != 0, m.get(x, y), "pixel " + x + "," + y);
                }
            }
        }
        assertFalse(Mask.fromImage(gray).get(0, 0));
        assertTrue(Mask.fromImage(gray).get(1, 0));
    }

    @Test
    void transparentIsTheEditRegionForRgbaMasks() {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0xFFFFFFFF);
        rgba.setRGB(1, 0, 0x00FFFFFF);
        Mask m = Mask.fromImage(rgba);
        assertFalse(m.get(0, 0));
        assertTrue(m.get(1, 0));
    }


    @Test
    void resizeIsNearestNeighbour() {
        Mask m = new Mask(2, 2, new boolean[] {true, false, false, true});
        Mask big = m.resize(4, 4);
        assertEquals(8, big.area());
        assertTrue(big.get(0, 0) && big.get(1, 1) && big.get(3, 3));
        assertFalse(big.get(2, 0));
        assertEquals(m, big.resize(2, 2));
    }

    @Test
    void coverageResizeKeepsPixelsAtLeastHalfCovered() {
        // a 2x2 object straddling all four 2x2 blocks covers a quarter of each: gone, where nearest keeps one
        Mask straddling = new Mask(4, 4, new boolean[] {
                false, false, false, false,
                false, true, true, false,
                false, true, true, false,
                false, false, false, false});
        assertEquals(0, straddling.resizeByCoverage(2, 2).area());
        assertEquals(1, straddling.resize(2, 2).area());
        Mask rows = new Mask(4, 4, new boolean[] {
                true, true, true, false,
                true, true, true, false,
                false, false, false, false,
                false, false, false, false});
        assertEquals(new Mask(2, 2, new boolean[] {true, true, false, false}), rows.resizeByCoverage(2, 2));
        // cells of 1.5 source pixels: the first fully covered, the second by a third
        Mask thirds = new Mask(3, 1, new boolean[] {true, true, false});
        assertEquals(new Mask(2, 1, new boolean[] {true, false}), thirds.resizeByCoverage(2, 1));
        Mask m = new Mask(2, 2, new boolean[] {true, false, false, true});
        assertEquals(m.resize(4, 4), m.resizeByCoverage(4, 4));
        assertThrows(IllegalArgumentException.class, () -> m.resizeByCoverage(0, 2));
    }

    @Test
    void wrongPixelCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Mask(2, 2, new boolean[3]));
    }
}
