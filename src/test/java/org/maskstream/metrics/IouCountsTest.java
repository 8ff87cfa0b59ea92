package org.maskstream.metrics;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IouCountsTest {

    private static Mask mask(int w, int h, String rows) {
        String s = rows.replace("\n", "");
        boolean[] px = new boolean[w * h];
        for (int i = 0; i < px.length; i++) {
            px[i] = s.charAt(i) == '#';
        }
        return new Mask(w, h, px);
    }

    @Test
    void handComputedExample() {
        // predicted 3 pixels, truth 3 pixels, overlap 2: tp=2 fp=1 fn=1 tn=12
        Mask pred = mask(4, 4, "##..\n#...\n....\n....");
        Mask truth = mask(4, 4, "##..\n....\n.#..\n....");
        IouCounts c = pred.iouCounts(truth);
        assertEquals(2, c.tp());
        assertEquals(1, c.fp());
        assertEquals(1, c.fn());
        assertEquals(12, c.tn());
        assertEquals(2.0 / 4, c.fgIou(), 1e-12);
        assertEquals(12.0 / 14, c.sumBgIou(), 1e-12);
        assertEquals((2.0 / 4 + 12.0 / 14) / 2, c.miou(), 1e-12);
        assertEquals(4.0 / 6, c.dice(), 1e-12);
        assertEquals(2.0 / 4, c.pixelIou(), 1e-12);
    }

    @Test
    void bothEmptyIsPerfectAndPredictingNothingForATargetIsZero() {
        Mask empty = Mask.empty(3, 3);
        IouCounts both = empty.iouCounts(empty);
        assertEquals(1.0, both.fgIou());
        assertEquals(1.0, both.dice());
        assertEquals(1.0, both.miou());

        IouCounts missed = empty.iouCounts(mask(3, 3, "#........"));
        assertEquals(0.0, missed.fgIou());
        assertEquals(0.0, missed.dice());
        assertEquals((0.0 + 8.0 / 9) / 2, missed.miou(), 1e-12);
    }

    @Test
    void mergeAveragesPerExampleButPoolsPixels() {
        IouCounts a = IouCounts.ofCounts(1, 0, 0, 99); // fg IoU 1
        IouCounts b = IouCounts.ofCounts(0, 10, 10, 80); // fg IoU 0
        IouCounts ab = a.merge(b);
        IouCounts ba = b.merge(a);
        assertEquals(ab, ba);
        assertEquals(2, ab.n());
        assertEquals(0.5, ab.fgIou(), 1e-12);
        assertEquals(1.0 / 21, ab.pixelIou(), 1e-12);
        assertEquals(ab, IouCounts.EMPTY.merge(ab));
        assertEquals(Double.NaN, IouCounts.EMPTY.fgIou());
    }

    @Test
    void sizeMismatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Mask.empty(2, 2).iouCounts(Mask.empty(3, 2)));
    }
}
