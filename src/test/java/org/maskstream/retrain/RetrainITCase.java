package org.maskstream.retrain;

import org.maskstream.stream.StreamTestKafka;
import org.maskstream.events.ModelUpdatePublisher;
import org.maskstream.data.Splits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.ExampleSplit;
import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.stream.StreamConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.maskstream.events.KafkaWiring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retraining attempts the gate must refuse, against a real broker: nothing is promoted or published. */
class RetrainITCase {
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

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

    @Test
    void aCandidateTrainedOnShuffledMasksIsRefusedAndTheHistorySaysWhy(TestInfo info) throws Exception {
        StreamConfig config = freshTopic(info);
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        RegisteredModel good = Retrainer.seed(registry, RetrainFixtures.goodModel());
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (Example e : RetrainFixtures.scenes("live", 200, 2)) {
            (Splits.of(e.id()) == ExampleSplit.VALIDATION ? validation : train).add(e);
        }
        // every training example gets the mask of the next one: what is learned from them is wrong
        List<Example> shuffled = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            Example e = train.get(i);
            Mask other = train.get((i + 1) % train.size()).mask();
            shuffled.add(new Example(e.id(), e.image(), e.instruction(), other));
        }
        Path store = dir.resolve("store");
        RetrainFixtures.writeStoreFile(store.resolve("2026-01-01--00/part-0-0.avro"), shuffled);
        RetrainFixtures.writeStoreFile(store.resolve("2026-01-01--01/part-0-1.avro"), validation);

        Attempt attempt;
        try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(config.kafka())) {
            attempt = new Retrainer(registry, store.toUri(), null,
                    RetrainFixtures.options(Duration.ofSeconds(6), 20), publisher::publish, RetrainFixtures.signature()).runOnce();
        }

        assertEquals(Attempt.Outcome.REFUSED, attempt.outcome(), attempt.reason());
        assertEquals(validation.size(), attempt.validationExamples());
        assertEquals(train.size(), attempt.trainExamples());
        assertTrue(attempt.candidate().fgIou() < attempt.current().fgIou(),
                "training on shuffled masks should make the model worse: " + attempt);
        assertTrue(attempt.reason().contains("does not beat the current v0001"), attempt.reason());
        assertNull(attempt.version());
        assertEquals(attempt, registry.history().get(registry.history().size() - 1));
        assertEquals(good, registry.current().orElseThrow());
        assertEquals(List.of("v0001"), versions(registry));
        assertEquals(0, publishedCount(config));
    }

    @Test
    void aTooSmallValidationSplitIsRefusedWithoutTraining(TestInfo info) throws Exception {
        StreamConfig config = freshTopic(info);
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        Retrainer.seed(registry, RetrainFixtures.weakModel());
        Path store = dir.resolve("store");
        RetrainFixtures.writeStoreFile(store.resolve("b/part-0-0.avro"), RetrainFixtures.scenes("few", 30, 3));

        Attempt attempt;
        try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(config.kafka())) {
            attempt = new Retrainer(registry, store.toUri(), null, RetrainFixtures.options(Duration.ofSeconds(10), 20),
                    publisher::publish, RetrainFixtures.signature()).runOnce();
        }

        assertEquals(Attempt.Outcome.REFUSED, attempt.outcome());
        assertTrue(attempt.reason().contains("fewer than the 20 the gate needs"), attempt.reason());
        assertTrue(attempt.validationExamples() < 20);
        assertNull(attempt.trainSeconds(), "it must not have trained");
        assertEquals(2, registry.history().size());
        assertEquals(0, publishedCount(config));
    }

    private static List<String> versions(ModelRegistry registry) throws Exception {
        try (var list = Files.list(registry.dir().resolve(ModelRegistry.VERSIONS))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private StreamConfig freshTopic(TestInfo info) {
        String name = info.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        StreamConfig config = StreamTestKafka.prefixTopics(StreamConfig.builder(), name + "-")
                .bootstrapServers(kafka.bootstrapServers()).build();
        kafka.createTopics(config, 1, List.of(config.modelUpdatesTopic()));
        return config;
    }

    private static long publishedCount(StreamConfig config) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaWiring.byteConsumerProperties(config.kafka(), "count-" + UUID.randomUUID()))) {
            TopicPartition p = new TopicPartition(config.modelUpdatesTopic(), 0);
            return consumer.endOffsets(List.of(p)).get(p);
        }
    }
}
