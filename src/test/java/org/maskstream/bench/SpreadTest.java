package org.maskstream.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpreadTest {
    @Test
    void medianOfOddAndEvenCountsWithTheirExtremes() {
        assertEquals(new Spread(3, 1, 9, 5), Spread.of(9, 1, 3, 4, 2));
        assertEquals(new Spread(2.5, 1, 4, 4), Spread.of(4, 1, 3, 2));
        assertEquals("2.5 (1.0-4.0)", Spread.of(4, 1, 3, 2).text("%.1f"));
        assertThrows(IllegalArgumentException.class, Spread::of);
    }

    @Test
    void ratiosPairRunIWithRunI() {
        assertEquals(new Spread(0.5, 0.25, 1, 3), BenchReport.ratios(new double[] {1, 1, 2}, new double[] {4, 2, 2}));
    }

    @Test
    void threadGroupsDropNumbersAndNameTheJvmsOwn() {
        assertEquals("data-plane-kafk", Profile.group("data-plane-kafk"));
        assertEquals("pool-N-thread-N", Profile.group("pool-2-thread-13"));
        assertEquals("garbage collector", Profile.group("GC Thread#1"));
        assertEquals("garbage collector", Profile.group("G1 Conc#0"));
        assertEquals("JIT compiler", Profile.group("C2 CompilerThre"));
    }

    @Test
    void longInstructionsRepeatTheirOwnWordsToTheLength() {
        var e = BenchModels.traffic(32, 1).get(0);
        String longer = Bench.longInstructions(List.of(e), 20).get(0).instruction();
        assertEquals(20, longer.split(" ").length);
        assertEquals(e.instruction().split(" ")[0], longer.split(" ")[0]);
    }
}
