package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.events.RawRecord;
import org.maskstream.events.RawRecordDeserializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failure injected after a checkpoint: the job restarts from it and, with exactly-once sinks, every request
 * still comes out exactly once (read_committed).
 */
class EditMaskJobRecoveryITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create();

    static final String TRIGGER = "fail-once";
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /** The test-only switch: throws the first time it sees the trigger key, then passes everything on. */
    static final class FailOnceDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FIRED = new AtomicBoolean();
        private final RawRecordDeserializer delegate = new RawRecordDeserializer();

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) throws java.io.IOException {
            if (record.key() != null && TRIGGER.equals(new String(record.key(), StandardCharsets.UTF_8))
                    && ARMED.compareAndSet(true, false)) {
                FIRED.set(true);
                throw new java.io.IOException("injected failure at offset " + record.offset() + " (test switch)");
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return delegate.getProducedType();
        }
    }

    @Test
    void failureAfterACheckpointLosesAndDuplicatesNothing(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), Map.of());
        AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Set<String> ids = new TreeSet<>();
        List<Map.Entry<String, byte[]>> first = new ArrayList<>();
        List<Map.Entry<String, byte[]>> second = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String id = i == 300 ? TRIGGER : "rec-" + i;
            ids.add(id);
            (i < 300 ? first : second).add(Map.entry(id,
                    codec.encode(TestRequests.request(id, i, i % 3 == 0, t0.plusMillis(20L * i)))));
        }
        FailOnceDeserializer.ARMED.set(true);
        FailOnceDeserializer.FIRED.set(false);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, KafkaWiring.requestSource(config.kafka(), false, new FailOnceDeserializer()), null,
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), SavedModels.LOADER);
        JobClient job = env.executeAsync("edit-mask-recovery-test");
        try {
            StreamTestKafka.produce(config, first);
            // committed results exist only after a completed checkpoint
            StreamTestKafka.awaitRecords(config, config.masksTopic(), 300, Duration.ofSeconds(90));
            StreamTestKafka.produce(config, second);
            StreamTestKafka.awaitRecords(config, config.masksTopic(), 600, Duration.ofSeconds(120));
            // two more checkpoints, so any duplicate a faulty restart wrote would be committed by now
            Thread.sleep(3 * config.checkpointInterval().orElseThrow().toMillis());
        } finally {
            job.cancel().get();
        }

        assertTrue(FailOnceDeserializer.FIRED.get(), "the injected failure never happened");
        assertOneCommittedResultEach(config, ids);
    }

    private static void assertOneCommittedResultEach(StreamConfig config, Set<String> ids) throws Exception {
        AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.masksTopic())) {
            seen.merge(results.decode(r.value()).getId(), 1, Integer::sum);
        }
        seen.forEach((id, n) -> assertEquals(1, n, "result for " + id + " came out " + n + " times"));
        assertEquals(ids, new TreeSet<>(seen.keySet()));
    }

    static final String STALL = "stall here once";
    private static final long STALL_MS = 6_000;
    private static final AtomicBoolean STALL_ARMED = new AtomicBoolean();
    private static final AtomicBoolean STALLED = new AtomicBoolean();

    /** The test-only switch: the first batch holding {@link #STALL} sleeps past the inference timeout. */
    private static void stallOnce(List<String> instructions) {
        if (instructions.contains(STALL) && STALL_ARMED.compareAndSet(true, false)) {
            STALLED.set(true);
            try {
                Thread.sleep(STALL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void inferenceThatStallsPastTheTimeoutMidStreamRestartsTheJobAndLosesNothing(TestInfo info) throws Exception {
        runWithOneStall(info, 400, 250);
    }

    /** The stalled batch is the first one, and everything else is done (sources finished) when it times out. */
    @Test
    void inferenceThatStallsPastTheTimeoutAfterTheRestFinishedLosesNothing(TestInfo info) throws Exception {
        runWithOneStall(info, 40, 1);
    }

    private static void runWithOneStall(TestInfo info, int count, int stalled) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(),
                Map.of(StreamConfig.Key.INFERENCE_TIMEOUT_MS, 2_000));
        AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Set<String> ids = new TreeSet<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EditRequest req = TestRequests.request("rec-" + i, i, i % 2 == 0, t0.plusMillis(20L * i));
            if (i == stalled) {
                req.setInstruction(STALL);
            }
            ids.add(req.getId());
            records.add(Map.entry(req.getId(), codec.encode(req)));
        }
        StreamTestKafka.produce(config, records);
        STALL_ARMED.set(true);
        STALLED.set(false);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, KafkaWiring.requestSource(config.kafka(), true), null,
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), ref -> new FaultInjectingModel(SavedModels.LOADER.load(ref), EditMaskJobRecoveryITCase::stallOnce));
        env.execute("edit-mask-stall-test");

        assertTrue(STALLED.get(), "the injected stall never happened");
        assertOneCommittedResultEach(config, ids);
        assertEquals(List.of(), StreamTestKafka.readAll(config, config.dlqTopic()));
    }
}
