package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;

import org.maskstream.events.AvroCodec;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
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

    private static List<InferenceRequest> requests(int n, int breaking) {
        List<InferenceRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EditRequest request = TestRequests.request("r" + i, i, true, Instant.EPOCH);
            if (i == breaking) {
                request.setInstruction(BREAKS_THE_MODEL);
            }
            out.add(InferenceRequest.newBuilder().setRequest(request).setWidth(TestRequests.SIZE)
                    .setHeight(TestRequests.SIZE).setSourceTopic("edit-requests").setSourcePartition(0)
                    .setSourceOffset(i).setReceivedAtMs(0).setModel(REF).build());
        }
        return out;
    }

    @Test
    void aBatchThatSucceedsRunsOnceAndGivesAResultPerRequestInOrder() {
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(5, -1), () -> 40L);

        assertEquals(List.of(5), model.batchSizes());
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
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(4, 2), () -> 0L);

        assertEquals(List.of(4, 1, 1, 1, 1), model.batchSizes(), "the batch, then each request alone");
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
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, true);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(3, -1), () -> 0L);

        assertEquals(List.of(3, 1, 1, 1), model.batchSizes());
        assertEquals(List.of("r0", "r1", "r2"), outcomes.stream().map(o -> o.getMaskResult().getId()).toList());
    }

    @Test
    void aSingleRequestThatFailsIsNotRunTwice() {
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, false);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(1, 0), () -> 0L);

        assertEquals(List.of(1), model.batchSizes());
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
    void eachImageAndMaskIsDecodedOnceEvenWhenTheBatchIsRunAgainRequestByRequest() {
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, true);
        long before = DecodedRequest.DECODED.sum();
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, requests(3, -1), () -> 0L);

        assertEquals(List.of(3, 1, 1, 1), model.batchSizes(), "run as a batch, then again one by one");
        assertEquals(3, outcomes.stream().filter(o -> o.getMaskResult() != null).count());
        assertEquals(3 + 3, DecodedRequest.DECODED.sum() - before, "three images and three masks, once each");
    }

    @Test
    void anImageWhoseBodyDoesNotDecodeBecomesItsOwnBadImageDeadLetter() {
        List<InferenceRequest> batch = requests(3, -1);
        EditRequest corrupt = batch.get(1).getRequest();
        byte[] png = AvroCodec.bytes(corrupt.getImage());
        // header and end marker intact (what decode checks), the compressed pixels in between destroyed
        Arrays.fill(png, 60, png.length - 20, (byte) 0x5a);
        corrupt.setImage(ByteBuffer.wrap(png));
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, false);

        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, batch, () -> 0L);

        assertEquals(List.of(2), model.batchSizes(), "the corrupt request never reaches the model");
        assertEquals("r0", outcomes.get(0).getMaskResult().getId(), "outcomes stay in request order");
        assertEquals(DeadLetterKind.BAD_IMAGE, outcomes.get(1).getDeadLetter().getKind());
        assertEquals(1L, outcomes.get(1).getDeadLetter().getOffset());
        assertEquals("r2", outcomes.get(2).getMaskResult().getId());
    }

    @Test
    void aRequestWhoseWorkRunsOutOfMemoryBecomesTheOnlyDeadLetterOfItsBatch() {
        LeftHalfModel model = new LeftHalfModel(BREAKS_THE_MODEL, false);
        List<InferenceRequest> batch = requests(3, -1);
        batch.get(1).getRequest().setInstruction(LeftHalfModel.EXHAUSTS_THE_HEAP);
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(model, REF, batch, () -> 0L);

        assertEquals(List.of(3, 1, 1, 1), model.batchSizes());
        assertEquals("r0", outcomes.get(0).getMaskResult().getId());
        assertEquals(DeadLetterKind.INFERENCE_FAILED, outcomes.get(1).getDeadLetter().getKind());
        assertTrue(outcomes.get(1).getDeadLetter().getReason().contains("OutOfMemoryError"),
                outcomes.get(1).getDeadLetter().getReason());
        assertEquals("r2", outcomes.get(2).getMaskResult().getId());
    }

    @Test
    void anImageThatExhaustsTheHeapWhileDecodingBecomesItsOwnDeadLetter() {
        ErrorThrowingImages.register();
        List<InferenceRequest> batch = requests(3, -1);
        batch.get(0).getRequest().setImage(java.nio.ByteBuffer.wrap(ErrorThrowingImages.image()));
        List<InferenceOutcome> outcomes = BatchOutcomes.predict(new LeftHalfModel(BREAKS_THE_MODEL, false), REF, batch,
                () -> 0L);

        assertEquals(3, outcomes.size());
        List<InferenceOutcome> dead = outcomes.stream().filter(o -> o.getDeadLetter() != null).toList();
        assertEquals(1, dead.size());
        assertEquals(DeadLetterKind.IMAGE_TOO_LARGE, dead.get(0).getDeadLetter().getKind());
        assertTrue(dead.get(0).getDeadLetter().getReason().contains("OutOfMemoryError"),
                dead.get(0).getDeadLetter().getReason());
        assertEquals(2, outcomes.stream().filter(o -> o.getMaskResult() != null).count());
    }
}
