package org.maskstream.stream;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hot-swap seam on Flink's operator harness: the ref in broadcast state, and that it survives a restore. */
class TagModelVersionTest {
    private static final ModelRef INITIAL = ref("v0001");

    private static ModelRef ref(String version) {
        return ModelRef.newBuilder().setVersion(version).setUri("/registry/versions/" + version).build();
    }

    private static InferenceRequest request(String id) {
        return InferenceRequest.newBuilder().setRequest(TestRequests.request(id, 0, false, Instant.EPOCH))
                .setWidth(TestRequests.SIZE).setHeight(TestRequests.SIZE).setSourceTopic("edit-requests")
                .setSourcePartition(0).setSourceOffset(0).setReceivedAtMs(0).setModel(null).build();
    }

    private static BroadcastOperatorTestHarness<InferenceRequest, ModelRef, InferenceRequest> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(new TagModelVersion(INITIAL), List.of(TagModelVersion.STATE)),
                1, 1, 0);
        harness.setup();
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        return harness;
    }

    private static List<String> versions(BroadcastOperatorTestHarness<InferenceRequest, ModelRef, InferenceRequest> h) {
        return h.extractOutputValues().stream().map(r -> r.getModel().getVersion()).toList();
    }

    @Test
    void requestsAfterAnUpdateAreTaggedWithItAndARestoredOperatorKeepsServingIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(null)) {
            before.processElement(new StreamRecord<>(request("a")));
            before.processBroadcastElement(new StreamRecord<>(ref("v0002")));
            before.processElement(new StreamRecord<>(request("b")));
            assertEquals(List.of("v0001", "v0002"), versions(before));
            snapshot = before.snapshot(1L, 1L);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(new StreamRecord<>(request("c")));
            assertEquals(List.of("v0002"), versions(restored), "the restored job serves what it served before");
        }
        try (var fresh = harness(null)) {
            fresh.processElement(new StreamRecord<>(request("d")));
            assertEquals(List.of("v0001"), versions(fresh), "without state: the configured initial model");
        }
    }

    @Test
    void eachRequestCarriesTheVersionBeforeItsOwnAsFallbackAlsoAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness(null)) {
            before.processElement(new StreamRecord<>(request("a")));
            before.processBroadcastElement(new StreamRecord<>(ref("v0002")));
            before.processElement(new StreamRecord<>(request("b")));
            before.processBroadcastElement(new StreamRecord<>(ref("v0003")));
            // published again by a retrainer that was not sure the broker had it: no switch, same fallback
            before.processBroadcastElement(new StreamRecord<>(ref("v0003")));
            before.processElement(new StreamRecord<>(request("c")));
            assertEquals(java.util.Arrays.asList(null, "v0001", "v0002"), fallbacks(before));
            snapshot = before.snapshot(1L, 1L);
        }
        try (var restored = harness(snapshot)) {
            restored.processElement(new StreamRecord<>(request("d")));
            assertEquals(List.of("v0003"), versions(restored));
            assertEquals(List.of("v0002"), fallbacks(restored), "the fallback survives the restore");
        }
    }

    private static List<String> fallbacks(BroadcastOperatorTestHarness<InferenceRequest, ModelRef, InferenceRequest> h) {
        return h.extractOutputValues().stream()
                .map(r -> r.getFallbackModel() == null ? null : r.getFallbackModel().getVersion()).toList();
    }
}
