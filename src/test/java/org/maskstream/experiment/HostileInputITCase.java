package org.maskstream.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.stream.EmbeddedKafkaExtension;
import org.maskstream.stream.TestModels;
import org.maskstream.util.Directories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input suite through the real job under the shipped TaskManager's heap: {@code maskstream.hostile.count}
 * records (2,000 by default; {@code bin/maskstream experiment hostile --count 10000} is the full run of
 * docs/results/hostile.md), every valid request exactly one result, every hostile record exactly one dead letter of
 * its kind (or one result where it is valid), no output of no record, 0 restarts, the heap's high-water mark
 * reported.
 */
class HostileInputITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Path WORK = Path.of("target", "hostile-it").toAbsolutePath();

    @Test
    void everyRecordGetsItsOneOutcomeAndTheJobNeverRestarts() throws Exception {
        int count = Integer.getInteger("maskstream.hostile.count", 2000);
        Directories.deleteRecursively(WORK);
        HostileInput.Options options = new HostileInput.Options(count, 13, TestModels.tiny(),
                Path.of("flink-conf"), WORK, Duration.ofMinutes(10));

        HostileInput.Outcome o = HostileInput.run(options, KAFKA.broker(), System.out);

        Files.writeString(WORK.resolve("hostile.md"), HostileInput.markdown(
                new Report(HostileInput.NAME, new Setup(WORK, HostileInput.NAME, WORK, false,
                        "HostileInputITCase", System.out)), options, o));
        System.out.printf("hostile suite: %d records, heap high-water mark %d MB (%d MB after a collection) of %d MB%n",
                o.records(), o.job().heapPeakBytes() >> 20, o.job().heapAfterGcPeakBytes() >> 20,
                o.job().maxHeapBytes() >> 20);
        assertEquals("FINISHED", o.job().status(), o.job().failure());
        assertEquals(0, o.job().restarts(), "restarts");
        assertEquals(0, o.job().exceptions(), "exception history entries");
        assertEquals(0, o.problemCount(), String.join("\n", o.problems()));
        assertEquals(count, o.records());
        assertEquals(o.records(), o.results() + o.deadLetters(), "one output per record");
        assertTrue(o.hostile() > count / 3, "hostile records: " + o.hostile());
        // the heap the job ran under is the shipped TaskManager's: the -Xmx Flink derives, not the test JVM's
        long xmx = HostileInput.TaskManagerJvm.of(Path.of("flink-conf")).options().stream()
                .filter(s -> s.startsWith("-Xmx")).map(s -> Long.parseLong(s.substring(4).replaceAll("\\D", "")))
                .findFirst().orElseThrow();
        // the JVM rounds its maximum up to whole heap regions
        assertTrue(Math.abs(o.job().maxHeapBytes() - xmx) < xmx / 50,
                "max heap " + o.job().maxHeapBytes() + " against -Xmx " + xmx);
        assertTrue(o.job().heapPeakBytes() > 0 && o.job().heapAfterGcPeakBytes() > 0, "heap high-water marks reported");
    }
}
