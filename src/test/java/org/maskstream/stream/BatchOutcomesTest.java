package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchOutcomesTest {
    private static final ModelRef REF = ModelRef.newBuilder().setVersion("v1").setUri("/models/v1").build();
    private static final String BREAKS_THE_MODEL = "an instruction this model cannot take";
    private static final String EXHAUSTS_THE_HEAP = "an instruction whose work runs out of memory";

    /**
     * Predicts the left half of every image; fails any batch that holds {@link #BREAKS_THE_MODEL}, or every batch
     * of more than one while {@code batchesFail} is set. Counts the batches it was given.
     */
    private static final class LeftHalfModel implements MaskModel {
        private final boolean batchesFail;
        private final List<Integer> batchSizes = new ArrayList<>();

        LeftHalfModel(boolean batchesFail) {
            this.batchesFail = batchesFail;
        }

        @Override
        public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
            batchSizes.add(images.size());
            if (instructions.contains(EXHAUSTS_THE_HEAP)) {
                throw new OutOfMemoryError("injected: Java heap space for a batch of " + images.size());
            }
            if (instructions.contains(BREAKS_THE_MODEL) || (batchesFail && images.size() > 1)) {
                throw new IllegalStateException("injected failure for a batch of " + images.size());
            }
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                float[] p = new float[inputSize() * inputSize()];
                for (int y = 0; y < inputSize(); y++) {
                    Arrays.fill(p, y * inputSize(), y * inputSize() + inputSize() / 2, 1f);
                }
                out.add(p);
            }
            return out;
        }

        @Override
        public String version() {
            return "v1";
        }

        @Override
        public int inputSize() {
            return TestRequests.SIZE;
        }

        @Override
        public float threshold() {
            return 0.5f;
        }

        @Override
        public void close() {
        }
    }

    private static List<InferenceRequest> requests(int n, int breaking) {
        return requests(n, breaking, BREAKS_THE_MODEL);
    }

    private static List<InferenceRequest> requests(int n, int breaking, String breakingInstruction) {
        List<InferenceRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EditRequest request = TestRequests.request("r" + i, i, true, Instant.EPOCH);
            if (i == breaking) {
                request.setInstruction(breakingInstruction);
            }
            out.add(InferenceRequest.newBuilder().setRequest(request).setWidth(TestRequests.SIZE)
                    .setHeight(TestRequests.SIZE).setSourceTopic("edit-requests").setSourcePartition(0)
                    .setSourceOffset(i).setReceivedAtMs(0).setModel(REF).build());
        }
        return out;
    }

    @Test
    void aBatchThatSucceedsRunsOnceAndGivesAResultPerRequestInOrder() {
        LeftHalfModel model = new LeftHalfModel(false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(5, -1), () -> 40L);

        assertEquals(List.of(5), model.batchSizes);
        assertEquals(5, outcomes.size());
        for (int i = 0; i < 5; i++) {
            assertNull(outcomes.get(i).getDeadLetter());
            assertEquals("r" + i, outcomes.get(i).getMaskResult().getId());
            assertEquals(0.5, outcomes.get(i).getMaskResult().getCoverage(), 1e-9);
            assertEquals(40L, outcomes.get(i).getMaskResult().getLatencyMs());
        }
    }

    @Test
    void oneRequestThatBreaksTheModelBecomesTheOnlyDeadLetterOfItsBatch() {
        LeftHalfModel model = new LeftHalfModel(false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(4, 2), () -> 0L);

        assertEquals(List.of(4, 1, 1, 1, 1), model.batchSizes, "the batch, then each request alone");
        for (int i = 0; i < 4; i++) {
            InferenceOutcome outcome = outcomes.get(i);
            if (i == 2) {
                assertNull(outcome.getMaskResult());
                assertEquals(DeadLetterKind.INFERENCE_FAILED, outcome.getDeadLetter().getKind());
                assertTrue(outcome.getDeadLetter().getReason().contains("/models/v1"), outcome.getDeadLetter().getReason());
                assertTrue(outcome.getDeadLetter().getReason().contains("injected failure for a batch of 1"),
                        outcome.getDeadLetter().getReason());
                assertEquals(2L, outcome.getDeadLetter().getOffset());
            } else {
                assertNull(outcome.getDeadLetter());
                assertEquals("r" + i, outcome.getMaskResult().getId());
            }
        }
    }

    @Test
    void aBatchThatFailsOnlyAsABatchGivesEveryResult() {
        LeftHalfModel model = new LeftHalfModel(true);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(3, -1), () -> 0L);

        assertEquals(List.of(3, 1, 1, 1), model.batchSizes);
        assertEquals(List.of("r0", "r1", "r2"), outcomes.stream().map(o -> o.getMaskResult().getId()).toList());
    }

    @Test
    void aSingleRequestThatFailsIsNotRunTwice() {
        LeftHalfModel model = new LeftHalfModel(false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(1, 0), () -> 0L);

        assertEquals(List.of(1), model.batchSizes);
        assertNotNull(outcomes.get(0).getDeadLetter());
    }

    @Test
    void aModelThatCannotBeHadFailsTheWholeBatch() {
        List<InferenceOutcome> outcomes = BatchOutcomes.allFailed(REF, requests(3, -1),
                new IllegalStateException("parameters.bin does not match its recorded SHA-256"));

        assertEquals(Set.of(DeadLetterKind.INFERENCE_FAILED),
                Set.copyOf(outcomes.stream().map(o -> o.getDeadLetter().getKind()).toList()));
        assertEquals(List.of(0L, 1L, 2L), outcomes.stream().map(o -> o.getDeadLetter().getOffset()).toList());
    }

    @Test
    void aRequestWhoseWorkRunsOutOfMemoryBecomesTheOnlyDeadLetterOfItsBatch() {
        LeftHalfModel model = new LeftHalfModel(false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(3, 1, EXHAUSTS_THE_HEAP), () -> 0L);

        assertEquals(List.of(3, 1, 1, 1), model.batchSizes);
        assertEquals("r0", outcomes.get(0).getMaskResult().getId());
        assertEquals(DeadLetterKind.INFERENCE_FAILED, outcomes.get(1).getDeadLetter().getKind());
        assertTrue(outcomes.get(1).getDeadLetter().getReason().contains("OutOfMemoryError"),
                outcomes.get(1).getDeadLetter().getReason());
        assertEquals("r2", outcomes.get(2).getMaskResult().getId());
    }
}
