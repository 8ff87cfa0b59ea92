package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Mask;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedDetectionsTest {
    private static final int SIZE = 32;

    /** A 10 x 6 target at (8, 12). */
    private static Mask target() {
        boolean[] px = new boolean[SIZE * SIZE];
        for (int y = 12; y < 18; y++) {
            for (int x = 8; x < 18; x++) {
                px[y * SIZE + x] = true;
            }
        }
        return new Mask(SIZE, SIZE, px);
    }

    @Test
    void theTargetsJitteredBoxIsMostlyFoundSometimesMissedAndSometimesJoinedByAFalsePositive() {
        Random random = new Random(1);
        int draws = 2000;
        int misses = 0;
        int withOutside = 0;
        for (int i = 0; i < draws; i++) {
            float[] prior = SimulatedDetections.prior(target(), SIZE, random);
            assertEquals(SIZE * SIZE, prior.length);
            for (float v : prior) {
                assertTrue(v >= 0f && v <= 1f, "score " + v);
            }
            // the centre of the target lies inside any box jittered by at most 15% of a side
            if (prior[15 * SIZE + 13] == 0f) {
                misses++;
            } else {
                assertTrue(prior[15 * SIZE + 13] >= 0.1f, "a found box has its score");
            }
            // far from the target only a false positive can put a score
            boolean outside = false;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    boolean near = x >= 6 && x < 20 && y >= 11 && y < 19;
                    outside |= !near && prior[y * SIZE + x] > 0f;
                }
            }
            withOutside += outside ? 1 : 0;
        }
        // a false positive over the centre hides some misses, so the centre is empty a little less often than MISS
        double missRate = (double) misses / draws;
        assertTrue(missRate > 0.12 && missRate < SimulatedDetections.MISS + 0.03, "miss rate " + missRate);
        double fpRate = (double) withOutside / draws;
        assertTrue(fpRate > 0.2 && fpRate <= SimulatedDetections.FALSE_POSITIVE + 0.03, "false positives " + fpRate);
    }

    @Test
    void theSameSeedGivesTheSamePriorAndAnEmptyTargetGivesNothing() {
        assertArrayEquals(SimulatedDetections.prior(target(), SIZE, new Random(9)),
                SimulatedDetections.prior(target(), SIZE, new Random(9)));
        float[] none = SimulatedDetections.prior(Mask.empty(SIZE, SIZE), SIZE, new Random(9));
        float[] zeros = new float[SIZE * SIZE];
        Arrays.fill(zeros, 0f);
        assertArrayEquals(zeros, none);
    }
}
