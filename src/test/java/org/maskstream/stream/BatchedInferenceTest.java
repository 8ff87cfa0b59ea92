package org.maskstream.stream;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.events.AvroTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inference operator as the job runs it (async I/O, unordered, around {@link BatchedInference}) on Flink's
 * operator harness with a fake model loader: batching, and requests in flight at a checkpoint served again after a
 * restore, each exactly once.
 */
class BatchedInferenceTest {
    private static final ModelRef REF = ModelRef.newBuilder().setVersion("v1").setUri("/models/v1").build();
    /** Holds every forward pass until opened; static because the loader is serialized into the operator. */
    private static volatile CountDownLatch gate = new CountDownLatch(0);
    private static final List<LeftHalfModel> LOADED = new ArrayList<>();

    private static final ModelLoader GATED_LOADER = ref -> {
        LeftHalfModel model = new LeftHalfModel("", false) {
            @Override
            public List<float[]> predict(List<java.awt.image.BufferedImage> images, List<String> instructions) {
                try {
                    if (!gate.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return super.predict(images, instructions);
            }
        };
        synchronized (LOADED) {
            LOADED.add(model);
        }
        return model;
    };

    @AfterEach
    void openTheGate() {
        gate.countDown();
        synchronized (LOADED) {
            LOADED.clear();
        }
    }

    private static InferenceRequest request(int i) {
        return InferenceRequest.newBuilder().setRequest(TestRequests.request("r" + i, i, i % 2 == 0, Instant.EPOCH))
                .setWidth(TestRequests.SIZE).setHeight(TestRequests.SIZE).setSourceTopic("edit-requests")
                .setSourcePartition(0).setSourceOffset(i).setReceivedAtMs(0).setModel(REF).build();
    }

    private static OneInputStreamOperatorTestHarness<InferenceRequest, InferenceOutcome> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        StreamConfig config = StreamConfig.builder().model(REF.getUri())
                .set(StreamConfig.Key.BATCH_SIZE, 4).set(StreamConfig.Key.BATCH_WAIT_MS, 50).build();
        var factory = new AsyncWaitOperatorFactory<>(new BatchedInference(config, REF, GATED_LOADER), 30_000,
                config.inferenceCapacity(), AsyncDataStream.OutputMode.UNORDERED);
        var harness = new OneInputStreamOperatorTestHarness<>(factory,
                AvroTypes.of(InferenceRequest.class).createSerializer(new SerializerConfigImpl()));
        harness.setup(AvroTypes.of(InferenceOutcome.class).createSerializer(new SerializerConfigImpl()));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static List<String> resultIds(OneInputStreamOperatorTestHarness<InferenceRequest, InferenceOutcome> h) {
        return h.extractOutputValues().stream().map(o -> o.getMaskResult().getId()).sorted().toList();
    }

    @Test
    void requestsAreBatchedAndEachGetsOneResultFromTheTaggedVersion() throws Exception {
        try (var harness = harness(null)) {
            for (int i = 0; i < 10; i++) {
                harness.processElement(new StreamRecord<>(request(i), i));
            }
            harness.endInput();
            List<InferenceOutcome> outcomes = harness.extractOutputValues();
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"), resultIds(harness));
            assertTrue(outcomes.stream().allMatch(o -> "v1".equals(o.getMaskResult().getModelVersion())));
            assertTrue(outcomes.stream().allMatch(o -> (o.getMaskResult().getPixelCounts() != null)
                    == (Integer.parseInt(o.getMaskResult().getId().substring(1)) % 2 == 0)), "labeled ones are scored");
            List<Integer> sizes = LOADED.get(0).batchSizes();
            assertEquals(10, sizes.stream().mapToInt(Integer::intValue).sum());
            assertTrue(sizes.stream().allMatch(s -> s <= 4) && sizes.stream().anyMatch(s -> s > 1),
                    "batches of at most batch.size, some of several: " + sizes);
        }
    }

    @Test
    void requestsInFlightAtACheckpointAreServedAgainAfterARestoreEachOnce() throws Exception {
        gate = new CountDownLatch(1);
        OperatorSubtaskState checkpoint;
        try (var failing = harness(null)) {
            for (int i = 0; i < 3; i++) {
                failing.processElement(new StreamRecord<>(request(i), i));
            }
            checkpoint = failing.snapshot(1L, 1L);
            assertEquals(List.of(), failing.extractOutputValues(), "nothing was answered before the checkpoint");
            // the job fails here: whatever this instance emits after the checkpoint is rolled back
            gate.countDown();
            failing.endInput();
        }
        try (var restored = harness(checkpoint)) {
            restored.endInput();
            assertEquals(List.of("r0", "r1", "r2"), resultIds(restored));
        }
    }
}
