package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Soak of the inference path (decode, batched predict, post-processing) the way each inference subtask runs it:
 * 100,000 requests in batches of 16 through one loaded model. Native memory must stay flat: the process's
 * resident size after the warm-up may grow by at most 64 MB. Opt-in, it takes minutes:
 * {@code mvn -o verify -Dit.test=InferenceSoakITCase -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmaskstream.soak=100000}.
 */
class InferenceSoakITCase {
    private static final int BATCH = 16;
    private static final long MAX_GROWTH_KB = 64 * 1024;

    @Test
    void residentMemoryStaysFlat() throws Exception {
        String events = System.getProperty("maskstream.soak");
        assumeTrue(events != null, "soak not requested (-Dmaskstream.soak=EVENTS): skipping");
        int total = Integer.parseInt(events);
        assumeTrue(total > 10_000, "a soak needs more than the 10,000-event warm-up");
        List<InferenceRequest> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            EditRequest req = TestRequests.request("soak-" + i, i, i % 2 == 0, Instant.EPOCH);
            batch.add(InferenceRequest.newBuilder().setRequest(req).setWidth(TestRequests.SIZE)
                    .setHeight(TestRequests.SIZE).setSourceTopic("soak").setSourcePartition(0).setSourceOffset(i)
                    .setReceivedAtMs(0).setModel(null).build());
        }
        long warmRss = 0;
        long lastRss = 0;
        ModelRef ref = EditMaskJob.initialModel(StreamConfig.builder().model(TestModels.tiny().toString()).build());
        try (MaskModel model = SavedModels.LOADER.load(ref)) {
            for (int done = 0; done < total; done += BATCH) {
                List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, ref, batch, () -> 0);
                if (outcomes.size() != batch.size() || outcomes.stream().anyMatch(o -> o.getMaskResult() == null)) {
                    throw new AssertionError("a soak batch was not served: " + outcomes);
                }
                if (done % 10_000 == 0) {
                    System.gc();
                    lastRss = rssKb();
                    if (done == 10_000) {
                        warmRss = lastRss;
                    }
                    System.out.printf("soak: %d events, RSS %d MB%n", done, lastRss / 1024);
                }
            }
            System.gc();
            lastRss = rssKb();
        }
        System.out.printf("soak: RSS after warm-up %d MB, at the end %d MB%n", warmRss / 1024, lastRss / 1024);
        assertTrue(lastRss - warmRss <= MAX_GROWTH_KB, "resident memory grew from " + warmRss / 1024 + " MB to "
                + lastRss / 1024 + " MB over the soak");
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
