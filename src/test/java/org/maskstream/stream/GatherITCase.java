package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.LabeledExample;
import org.maskstream.data.Dataset;
import org.maskstream.data.Example;
import org.maskstream.data.GatheredStore;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.data.Splits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retraining loop's gathering branch: labeled requests land in the training store exactly once (count and ids),
 * across a failure injected after a checkpoint and the restart from it, and their ids and splits are published.
 */
class GatherITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create();
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir
    Path store;

    @Test
    void labeledRequestsLandInTheStoreExactlyOnceAcrossAFailureAndRestart(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info,
                RetrainFixtures.weakModel().toString(),
                Map.of(StreamConfig.Key.GATHER_STORE, store.toUri().toString()));
        AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
        // crosses midnight, so the store gets two event-time buckets
        Instant t0 = Instant.parse("2026-01-01T23:59:55Z");
        Set<String> labeled = new TreeSet<>();
        List<Map.Entry<String, byte[]>> first = new ArrayList<>();
        List<Map.Entry<String, byte[]>> second = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String id = i == 200 ? EditMaskJobRecoveryITCase.TRIGGER : "rec-" + i;
            boolean isLabeled = i % 2 == 0;
            if (isLabeled) {
                labeled.add(id);
            }
            (i < 200 ? first : second).add(Map.entry(id,
                    codec.encode(TestRequests.request(id, i, isLabeled, t0.plusMillis(50L * i)))));
        }
        EditMaskJobRecoveryITCase.FailOnceDeserializer.ARMED.set(true);
        EditMaskJobRecoveryITCase.FailOnceDeserializer.FIRED.set(false);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.Topology topology = EditMaskJob.build(env, config,
                KafkaWiring.requestSource(config.kafka(), false, new EditMaskJobRecoveryITCase.FailOnceDeserializer()), null,
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), SavedModels.LOADER);
        Gather.attach(topology.requests(), config);
        JobClient job = env.executeAsync("gather-test");
        try {
            StreamTestKafka.produce(config, first);
            // files become visible only when the checkpoint that closed them completes
            awaitStore(100, Duration.ofSeconds(90));
            StreamTestKafka.produce(config, second);
            awaitStore(labeled.size(), Duration.ofSeconds(120));
            // two more checkpoints, so any duplicate a faulty restart wrote would be committed by now
            Thread.sleep(3 * config.checkpointInterval().orElseThrow().toMillis());
        } finally {
            job.cancel().get();
        }

        assertTrue(EditMaskJobRecoveryITCase.FailOnceDeserializer.FIRED.get(), "the injected failure never happened");
        Dataset gathered = GatheredStore.read(store.toUri(), true);
        assertEquals(List.of(), gathered.warnings(), "repeated or unreadable records in the store");
        assertEquals(labeled.size(), gathered.size());
        assertEquals(labeled, gathered.examples().stream().map(Example::id).collect(Collectors.toCollection(TreeSet::new)));
        try (Stream<Path> buckets = Files.list(store)) {
            assertEquals(Set.of("2026-01-01--23", "2026-01-02--00"),
                    buckets.map(b -> b.getFileName().toString()).collect(Collectors.toSet()));
        }

        AvroCodec<LabeledExample> labels = AvroCodec.of(LabeledExample.class);
        Map<String, Integer> published = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.labelsTopic())) {
            LabeledExample l = labels.decode(r.value());
            assertEquals(Splits.of(l.getId()), l.getSplit(), l.getId());
            published.merge(l.getId(), 1, Integer::sum);
        }
        assertEquals(labeled, published.keySet());
        published.forEach((id, n) -> assertEquals(1, n, id + " published " + n + " times"));
    }

    private void awaitStore(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = Files.exists(store) ? GatheredStore.read(store.toUri(), true).size() : 0;
            if (seen >= count) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("only " + seen + " of " + count + " labeled requests reached the store in " + timeout);
    }
}
