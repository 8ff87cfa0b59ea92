package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Example;
import org.maskstream.model.TinyScenes;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HorizontalFlipTest {
    @Test
    void theImageAndMaskAreMirroredTogether() {
        Example e = TinyScenes.generate(1, 32, 9).get(0);
        Example f = HorizontalFlip.apply(e);
        assertEquals(e.mask().flipHorizontal(), f.mask());
        for (int y = 0; y < 32; y += 5) {
            for (int x = 0; x < 32; x += 3) {
                assertEquals(e.image().getRGB(x, y) & 0xFFFFFF, f.image().getRGB(31 - x, y) & 0xFFFFFF);
            }
        }
        assertEquals("remove the circle on the right", HorizontalFlip.apply(new Example("x", e.image(),
                "remove the circle on the left", e.mask())).instruction());
        Example twice = HorizontalFlip.apply(f);
        assertEquals(e.mask(), twice.mask());
        assertEquals(e.instruction(), twice.instruction());
    }
}
