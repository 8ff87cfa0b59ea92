package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

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
        ModelRef ref = EditMaskJob.initialModel(StreamConfig.builder().model(TestModels.tiny().toString()).build());
        try (MaskModel model = SavedModels.LOADER.load(ref)) {
            List<InferenceSoak.Sample> samples = InferenceSoak.run(model, ref, batch, total, 10_000,
                    s -> System.out.printf("soak: %d events, RSS %d MB%n", s.events(), s.rssKb() / 1024));
            long warmRss = samples.stream().filter(s -> s.events() == 10_000).findFirst().orElseThrow().rssKb();
            long lastRss = samples.get(samples.size() - 1).rssKb();
            System.out.printf("soak: RSS after warm-up %d MB, at the end %d MB%n", warmRss / 1024, lastRss / 1024);
            assertTrue(lastRss - warmRss <= MAX_GROWTH_KB, "resident memory grew from " + warmRss / 1024 + " MB to "
                    + lastRss / 1024 + " MB over the soak");
        }
    }
}
