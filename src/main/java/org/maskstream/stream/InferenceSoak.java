package org.maskstream.stream;

import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The inference path as each inference subtask runs it (decode, one batched predict, the results), repeated over
 * many events on one thread while the process's resident memory is sampled: {@code InferenceSoakITCase} asserts
 * that it stays flat, and the benchmark plots it.
 */
public final class InferenceSoak {
    /** Resident memory after {@code events} events (after a GC, so the heap's garbage does not count). */
    public record Sample(long events, long rssKb) {
    }

    private InferenceSoak() {
    }

    /**
     * Runs {@code batch} through {@code model} (loaded from {@code ref}) as one inference subtask does
     * ({@link BatchOutcomes#predict}) until {@code total} events, sampling every {@code every} events (from 0) and at
     * the end; each sample also goes to {@code progress}. Throws when a batch is not served in full.
     */
    public static List<Sample> run(MaskModel model, ModelRef ref, List<InferenceRequest> batch, long total,
                                   long every, Consumer<Sample> progress) {
        List<Sample> samples = new ArrayList<>();
        for (long done = 0; done < total; done += batch.size()) {
            List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, ref, batch, () -> 0);
            if (outcomes.size() != batch.size() || outcomes.stream().anyMatch(o -> o.getMaskResult() == null)) {
                throw new IllegalStateException("a soak batch was not served: " + outcomes);
            }
            if (done % every == 0) {
                samples.add(sample(done, progress));
            }
        }
        samples.add(sample(total, progress));
        return samples;
    }

    private static Sample sample(long events, Consumer<Sample> progress) {
        System.gc();
        Sample s = new Sample(events, rssKb());
        progress.accept(s);
        return s;
    }

    /** This process's resident set size, from {@code /proc/self/status}. */
    public static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status: " + e.getMessage(), e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status (resident memory is read on Linux only)");
    }
}
