package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Example;
import org.maskstream.model.TinyScenes;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MirrorTest {
    @Test
    void sideWordsSwapWithTheirMirrorAndOtherWordsStay() {
        assertEquals("remove the circle on the right", Mirror.HORIZONTAL.instruction("remove the circle on the left"));
        assertEquals("Make the top star red", Mirror.HORIZONTAL.instruction("Make the top star red"));
        assertEquals("Colour the bottom star, not the stop sign",
                Mirror.VERTICAL.instruction("Colour the top star, not the stop sign"));
        assertEquals("the lowest square left of the uppermost", Mirror.VERTICAL.instruction(
                "the highest square left of the lowermost"));
    }

    @Test
    void imageAndMaskAreMirroredTogetherAndTwiceIsTheOriginal() {
        Example e = TinyScenes.generate(1, 32, 9).get(0);
        Example h = Mirror.HORIZONTAL.apply(e);
        Example v = Mirror.VERTICAL.apply(e);
        for (int y = 0; y < 32; y += 3) {
            for (int x = 0; x < 32; x += 3) {
                assertEquals(e.image().getRGB(x, y) & 0xFFFFFF, h.image().getRGB(31 - x, y) & 0xFFFFFF);
                assertEquals(e.image().getRGB(x, y) & 0xFFFFFF, v.image().getRGB(x, 31 - y) & 0xFFFFFF);
                assertEquals(e.mask().get(x, y), h.mask().get(31 - x, y));
                assertEquals(e.mask().get(x, y), v.mask().get(x, 31 - y));
            }
        }
        for (Mirror m : Mirror.values()) {
            Example twice = m.apply(m.apply(e));
            assertEquals(e.mask(), twice.mask());
            assertEquals(e.instruction(), twice.instruction());
        }
    }
}
