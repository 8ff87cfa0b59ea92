package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.model.PreparedExample;
import org.maskstream.model.TextEncoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ShiftTest {
    private static final TextEncoder.EncodedText TEXT = new TextEncoder.EncodedText(new float[] {1}, new float[] {1});

    @Test
    void movesEveryPlaneAndTheMaskTogetherAndRepeatsTheEdge() {
        // two 3 x 3 planes (think R and G), values = 10 * plane + row-major index
        float[] image = {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18};
        float[] mask = {0, 0, 0, 0, 1, 0, 0, 0, 0};
        PreparedExample moved = Shift.apply(new PreparedExample(image, TEXT, mask), 3, 1, -1);
        // one right, one up: pixel (x, y) shows the source (x - 1, y + 1), clamped to the border
        assertArrayEquals(new float[] {3, 3, 4, 6, 6, 7, 6, 6, 7, 13, 13, 14, 16, 16, 17, 16, 16, 17}, moved.image());
        assertArrayEquals(new float[] {0, 0, 1, 0, 0, 0, 0, 0, 0}, moved.mask());
        assertSame(TEXT, moved.text());
    }

    @Test
    void noShiftIsTheSameExample() {
        PreparedExample e = new PreparedExample(new float[4], TEXT, new float[4]);
        assertSame(e, Shift.apply(e, 2, 0, 0));
    }
}
