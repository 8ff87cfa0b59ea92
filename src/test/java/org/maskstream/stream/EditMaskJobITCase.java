package org.maskstream.stream;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EditMaskJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private StreamConfig freshConfig(TestInfo info) {
        String name = info.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        StreamConfig config = StreamConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .topicPrefix(name + "-")
                .model("test-model")
                .set(StreamConfig.Key.GROUP_ID, name)
                .set(StreamConfig.Key.TRANSACTIONAL_ID_PREFIX, name)
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 500)
                .set(StreamConfig.Key.BATCH_SIZE, 16)
                .set(StreamConfig.Key.WINDOW_MS, 10_000)
                .set(StreamConfig.Key.RESTART_DELAY_MS, 200)
                .build();
        kafka.createTopics(config, 2, config.topics());
        return config;
    }

    /** Runs the job over everything now in the request topic, to the end. */
    private static void runBounded(StreamConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, KafkaWiring.requestSource(config, true), null,
                KafkaWiring.masksSink(config), KafkaWiring.iouSink(config), KafkaWiring.deadLetterSink(config),
                RedPixelModel.LOADER);
        env.execute("edit-mask-job-test");
    }

    @Test
    void thousandRequestsGiveExactlyOneResultEach(TestInfo info) throws Exception {
        StreamConfig config = freshConfig(info);
        AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 1000; i++) {
            String id = "req-" + i;
            ids.add(id);
            records.add(Map.entry(id, codec.encode(TestRequests.request(id, i, i % 2 == 0, t0.plusMillis(37L * i)))));
        }
        StreamTestKafka.produce(config, records);

        runBounded(config);

        AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.masksTopic())) {
            MaskResult result = results.decode(r.value());
            assertEquals(result.getId(), new String(r.key(), StandardCharsets.UTF_8));
            assertEquals("red-pixels-v1", result.getModelVersion());
            seen.merge(result.getId(), 1, Integer::sum);
        }
        assertEquals(ids, new TreeSet<>(seen.keySet()));
        assertEquals(Set.of(1), Set.copyOf(seen.values()), "some id came out more than once");
        assertEquals(0, StreamTestKafka.readAll(config, config.dlqTopic()).size());
    }
}
