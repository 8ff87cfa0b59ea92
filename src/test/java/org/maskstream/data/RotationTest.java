package org.maskstream.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RotationTest {
    @Test
    void repeatingEdgesTakesTheNearestEdgePixelWhereTheCornersCameFromOutside() {
        int size = 20;
        Rotation r = new Rotation(size, size, Math.toRadians(30));
        int[] edges = r.sourcesRepeatingEdges();
        boolean[] all = new boolean[size * size];
        Arrays.fill(all, true);
        boolean[] inside = r.mask(new Mask(size, size, all)).pixels();
        int outside = 0;
        for (int i = 0; i < edges.length; i++) {
            assertTrue(edges[i] >= 0 && edges[i] < size * size, "pixel " + i);
            if (!inside[i]) {
                outside++;
                int x = edges[i] % size;
                int y = edges[i] / size;
                assertTrue(x == 0 || y == 0 || x == size - 1 || y == size - 1, "pixel " + i + " from " + x + "," + y);
            }
        }
        assertTrue(outside > 0, "a 30 degree turn brings in corners from outside");
    }

    @Test
    void noTurnIsTheIdentity() {
        int[] identity = new int[16];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        assertArrayEquals(identity, new Rotation(4, 4, 0).sourcesRepeatingEdges());
    }
}
