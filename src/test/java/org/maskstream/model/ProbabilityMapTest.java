package org.maskstream.model;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbabilityMapTest {
    @Test
    void aMapIsThresholdedAndBilinearlyResized() {
        // 2x2 map: left column 0.9, right column 0.1
        float[] p = {0.9f, 0.1f, 0.9f, 0.1f};
        Mask same = ProbabilityMap.toMask(p, 2, 0.5f, 2, 2);
        assertTrue(same.get(0, 0));
        assertFalse(same.get(1, 0));
        Mask wide = ProbabilityMap.toMask(p, 2, 0.5f, 8, 3);
        assertEquals(8, wide.width());
        assertEquals(3, wide.height());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 8; x++) {
                assertEquals(x < 4, wide.get(x, y), "pixel " + x + "," + y);
            }
        }
    }
}
