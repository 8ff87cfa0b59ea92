package org.maskstream.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CurriculumTest {
    private static final List<Integer> INDICES = IntStream.range(0, 100).boxed().toList();

    @Test
    void noneAndFirstEpochsVisitEveryExampleOnce() {
        double[] errors = new double[100];
        errors[7] = 1;
        for (List<Integer> order : List.of(Curriculum.NONE.order(INDICES, false, errors, new Random(1)),
                Curriculum.LOSS.order(INDICES, true, errors, new Random(1)))) {
            assertEquals(INDICES, order.stream().sorted().toList());
        }
    }

    @Test
    void lossDrawsTheExamplesWithErrorsMoreOften() {
        double[] errors = new double[100];
        for (int i = 0; i < 10; i++) {
            errors[i] = 1; // ten hard examples, ninety solved
        }
        int hard = 0;
        int draws = 0;
        for (int epoch = 0; epoch < 50; epoch++) {
            List<Integer> order = Curriculum.LOSS.order(INDICES, false, errors, new Random(epoch));
            assertEquals(100, order.size());
            hard += (int) order.stream().filter(i -> i < 10).count();
            draws += order.size();
        }
        // half uniform (10% hard) and half by error (all hard): 55% expected
        double share = hard / (double) draws;
        assertTrue(share > 0.50 && share < 0.60, "share of hard draws " + share);
    }

    @Test
    void lossFallsBackToUniformWhenNothingIsWrong() {
        List<Integer> order = Curriculum.LOSS.order(INDICES, false, new double[100], new Random(2));
        assertEquals(100, order.size());
        assertTrue(order.stream().distinct().count() > 50);
    }

    @Test
    void parsesItsIdsAndNamesTheChoices() {
        assertEquals(Curriculum.LOSS, Curriculum.parse(" Loss "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Curriculum.parse("hard"));
        assertEquals("unknown curriculum 'hard': use one of none, loss", e.getMessage());
    }
}
