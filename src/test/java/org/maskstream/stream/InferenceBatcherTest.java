package org.maskstream.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A verified version that does not load on a subtask: its requests are served by the version before it. */
class InferenceBatcherTest {
    private static final ModelRef V1 = ref("v1", "/registry/versions/v1");
    private static final ModelRef V2 = ref("v2", "/registry/versions/v2");
    /** Verified, then its folder vanished before this subtask loaded it. */
    private static final ModelRef V3 = ref("v3", "/gone/v3");

    private final Map<String, Integer> loads = new ConcurrentHashMap<>();

    private static ModelRef ref(String version, String uri) {
        return ModelRef.newBuilder().setVersion(version).setUri(uri).build();
    }

    private MaskModel load(ModelRef ref) {
        loads.merge(ref.getVersion(), 1, Integer::sum);
        if (ref.getUri().startsWith("/gone/")) {
            throw new InvalidModelException("model folder " + ref.getUri() + " is gone since it was verified");
        }
        return new LeftHalfModel("", false) {
            @Override
            public String version() {
                return ref.getVersion();
            }
        };
    }

    private static InferenceRequest request(int i, ModelRef model, ModelRef fallback) {
        return InferenceRequest.newBuilder().setRequest(TestRequests.request("r" + i, i, false, Instant.EPOCH))
                .setWidth(TestRequests.SIZE).setHeight(TestRequests.SIZE).setSourceTopic("edit-requests")
                .setSourcePartition(0).setSourceOffset(i).setReceivedAtMs(0).setModel(model)
                .setFallbackModel(fallback).build();
    }

    /** Counters by name; every group is this one. */
    private static final class Counters extends UnregisteredMetricsGroup {
        final Map<String, SimpleCounter> counters = new ConcurrentHashMap<>();

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }

        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }

        long count(String name) {
            return counter(name).getCount();
        }
    }

    private List<String> servedVersions(Counters metrics, List<InferenceRequest> requests) throws Exception {
        try (InferenceBatcher batcher = InferenceBatcher.start("test-batcher", 2, Duration.ofMillis(5), Long.MAX_VALUE,
                2, V1, this::load, metrics)) {
            List<String> versions = new ArrayList<>();
            for (InferenceRequest r : requests) {
                InferenceOutcome outcome = batcher.submit(r).get(30, TimeUnit.SECONDS);
                versions.add(outcome.getMaskResult() == null ? "dead letter: " + outcome.getDeadLetter().getReason()
                        : outcome.getMaskResult().getModelVersion());
            }
            return versions;
        }
    }

    @Test
    void aVersionThatDoesNotLoadIsRefusedOnceAndItsRequestsAreServedByTheirFallbackAgainAfterARestart()
            throws Exception {
        List<InferenceRequest> requests = List.of(request(0, V3, V2), request(1, V3, V2), request(2, V3, V2),
                request(3, V2, V1), request(4, V3, null));
        for (int run = 1; run <= 2; run++) {
            Counters metrics = new Counters();
            assertEquals(List.of("v2", "v2", "v2", "v2", "v1"), servedVersions(metrics, requests),
                    "run " + run + ": the version before v3 serves (without one, the initial model)");
            assertEquals(1, metrics.count(StreamMetrics.MODEL_LOAD_REFUSALS), "run " + run);
            assertEquals(4, metrics.count(StreamMetrics.MODEL_FALLBACKS), "run " + run);
            assertEquals(run, loads.get("v3"), "v3 is tried once per subtask start, not per batch");
        }
    }
}
