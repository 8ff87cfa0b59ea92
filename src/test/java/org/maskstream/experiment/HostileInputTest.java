package org.maskstream.experiment;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.experiment.HostileRecords.Expected;
import org.maskstream.experiment.HostileRecords.Outcome;
import org.maskstream.stream.StreamConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostileInputTest {
    private static final HostileJobMain.Run CLEAN = new HostileJobMain.Run("FINISHED", null, 0, 0, 1, Map.of(), 1, 1, 1);
    private static final HostileInput.TaskManagerJvm JVM = new HostileInput.TaskManagerJvm(List.of("-Xmx1g"), 2);

    private static final List<Expected> EXPECTED = List.of(
            new Expected(0, HostileRecords.VALID, "vr0000000", Outcome.RESULT, null),
            new Expected(1, "truncated-record", "hr0000001", Outcome.DEAD_LETTER, DeadLetterKind.UNDECODABLE),
            new Expected(2, HostileRecords.VALID, "vr0000002", Outcome.RESULT, null),
            new Expected(3, "bit-flips", "hr0000003", Outcome.EITHER, null),
            new Expected(5, "jpeg-truncated", "hr0000005", Outcome.DEAD_LETTER, DeadLetterKind.BAD_IMAGE));

    @Test
    void everyRecordWithItsOneOutcomePasses() {
        HostileInput.Outcome o = HostileInput.verify(EXPECTED, Map.of("vr0000000", 1, "vr0000002", 1),
                List.of(new HostileInput.Dead("r0000001", DeadLetterKind.UNDECODABLE, false),
                        new HostileInput.Dead("r0000003", DeadLetterKind.BAD_IMAGE, false),
                        // a refusal in the inference batch is keyed by the request id
                        new HostileInput.Dead("hr0000005", DeadLetterKind.BAD_IMAGE, true)),
                CLEAN, JVM, 0);
        assertEquals(List.of(), o.problems());
        assertTrue(o.passed());
        assertEquals(1, o.eitherAsDeadLetter());
        assertEquals(1, o.truncated());
    }

    @Test
    void aLostADuplicatedAWrongAndAStrayOutputAreEachReported() {
        HostileInput.Outcome o = HostileInput.verify(EXPECTED, Map.of("vr0000002", 2, "hr0000003", 1, "stray", 1),
                List.of(new HostileInput.Dead("r0000001", DeadLetterKind.BAD_ID, false),
                        new HostileInput.Dead("r0000003", DeadLetterKind.BAD_IMAGE, false),
                        new HostileInput.Dead("r0000099", DeadLetterKind.BAD_IMAGE, false)),
                CLEAN, JVM, 0);
        assertEquals(7, o.problemCount(), String.join("\n", o.problems()));
        assertFalse(o.passed());
        assertTrue(o.problems().get(0).startsWith("record 0 (valid, id vr0000000): expected one result, got 0"),
                o.problems().get(0));
    }

    @Test
    void aRestartFailsARunWhateverItsOutputs() {
        HostileJobMain.Run restarted = new HostileJobMain.Run("FINISHED", null, 1, 1, 1, Map.of(), 1, 1, 1);
        assertFalse(HostileInput.verify(List.of(), Map.of(), List.of(), restarted, JVM, 0).passed());
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        StreamConfig limits = StreamConfig.builder().build();
        List<HostileRecords.Case> a = HostileRecords.generate(5, 60, limits);
        List<HostileRecords.Case> b = HostileRecords.generate(5, 60, limits);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).expected(), b.get(i).expected());
            assertArrayEquals(a.get(i).key(), b.get(i).key());
            assertArrayEquals(a.get(i).value(), b.get(i).value(), a.get(i).label());
        }
        List<HostileRecords.Case> other = HostileRecords.generate(6, 60, limits);
        assertFalse(Arrays.equals(a.get(3).value(), other.get(3).value()), "another seed, other records");
    }
}
