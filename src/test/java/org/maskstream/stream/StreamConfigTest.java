package org.maskstream.stream;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.maskstream.events.KafkaWiring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamConfigTest {

    @Test
    void defaultsAreValidAndDocumented() {
        StreamConfig c = StreamConfig.builder().build();
        assertEquals("edit-requests", c.requestsTopic());
        assertEquals(StreamConfig.Delivery.EXACTLY_ONCE, c.delivery());
        assertEquals(4 * c.batchSize(), c.inferenceCapacity());
        assertTrue(c.transactionTimeout().compareTo(Duration.ofMinutes(15)) < 0);
        for (StreamConfig.Key k : StreamConfig.Key.values()) {
            assertTrue(k.key().startsWith(StreamConfig.PREFIX) && !k.doc().isBlank(), k.name());
        }
    }

    @Test
    void readsPrefixedKeysOfAFlinkConfigurationAndIgnoresFlinksOwn() {
        Configuration flink = new Configuration();
        flink.setString("maskstream.batch.size", "32");
        flink.setString("maskstream.delivery", "at-least-once");
        flink.setString("parallelism.default", "4");
        StreamConfig c = StreamConfig.fromConfiguration(flink);
        assertEquals(32, c.batchSize());
        assertEquals(StreamConfig.Delivery.AT_LEAST_ONCE, c.delivery());
        assertEquals(c.toMap(), StreamConfig.fromMap(c.toMap()).toMap(), "round trip through the full key map");
    }

    @Test
    void refusesUnknownKeysAndBadValuesWithTheKeyName() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromMap(Map.of("maskstream.batchsize", "3"))).getMessage().contains("known keys"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromMap(Map.of("maskstream.batch.size", "many"))).getMessage()
                .contains("maskstream.batch.size"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromMap(Map.of("maskstream.transaction.timeout-ms", "900000"))).getMessage()
                .contains("15 minutes"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromMap(Map.of("maskstream.delivery", "maybe"))).getMessage()
                .contains("exactly-once"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(
                Map.of("maskstream.batch.size", "64", "maskstream.inference.capacity", "10"))).getMessage()
                .contains("never fills"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(
                Map.of("maskstream.max.image-bytes", String.valueOf(StreamConfig.DEFAULT_MAX_MESSAGE_BYTES))))
                .getMessage().contains("fits a Kafka record"));
    }

    @Test
    void theReadmeListsEveryKey() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(StreamConfig.markdownTable()),
                "README.md's Configuration section differs from StreamConfig.markdownTable(); paste it again:\n"
                        + StreamConfig.markdownTable());
    }

    @Test
    void theTransactionTimeoutMustOutlastACheckpointIntervalPlusItsTimeout() {
        String message = assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(Map.of(
                "maskstream.transaction.timeout-ms", "60000", "maskstream.checkpoint.interval-ms", "10000",
                "maskstream.checkpoint.timeout-ms", "60000"))).getMessage();
        assertTrue(message.contains("maskstream.transaction.timeout-ms") && message.contains("70000"), message);
        StreamConfig.fromMap(Map.of("maskstream.transaction.timeout-ms", "70001",
                "maskstream.checkpoint.interval-ms", "10000", "maskstream.checkpoint.timeout-ms", "60000"));
    }

    @Test
    void refusesLimitsUnderWhichAResultOrADeadLetterCouldExceedTheRecordLimit() {
        String message = assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(Map.of(
                "maskstream.max.message-bytes", "65536", "maskstream.max.image-bytes", "16384"))).getMessage();
        assertTrue(message.contains("maskstream.max.image-pixels") && message.contains("65536"), message);
        StreamConfig small = StreamConfig.fromMap(Map.of("maskstream.max.message-bytes", "65536",
                "maskstream.max.image-bytes", "16384", "maskstream.max.image-pixels", "65536", "maskstream.max.image-side", "256",
            "maskstream.max.attributes", "8"));
        assertTrue(OutputLimits.of(small).maxResultBytes() <= 65536);
        assertTrue(OutputLimits.of(StreamConfig.builder().build()).maxResultBytes()
                <= StreamConfig.DEFAULT_MAX_MESSAGE_BYTES);
        assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(Map.of(
                "maskstream.max.decoded-bytes", "1000", "maskstream.batch.max-decoded-bytes", "999")));
    }

    @Test
    void everySinkHasItsOwnTransactionalIdPrefix() {
        StreamConfig c = StreamConfig.builder().build();
        java.util.Set<String> prefixes = new java.util.HashSet<>();
        for (KafkaWiring.SinkName sink : KafkaWiring.SinkName.values()) {
            assertTrue(prefixes.add(KafkaWiring.transactionalIdPrefix(c.kafka(), sink)), sink.name());
        }
        assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromMap(Map.of("maskstream.transactional-id-prefix", " ")));
    }

    @Test
    void kafkaClientPropertiesReachEveryClientAndTheirValuesAreNeverShown() {
        StreamConfig c = StreamConfig.fromMap(Map.of("maskstream.kafka.security.protocol", "SASL_SSL",
                "maskstream.kafka.sasl.mechanism", "SCRAM-SHA-512",
                "maskstream.kafka.sasl.jaas.config", "ScramLoginModule required username=\"job\" password=\"s3cret\";"));
        assertEquals("SASL_SSL", KafkaWiring.consumerProperties(c.kafka()).getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", KafkaWiring.producerSettings(c.kafka()).get("sasl.mechanism"));
        assertEquals("SASL_SSL", KafkaWiring.byteProducerProperties(c.kafka()).getProperty("security.protocol"));
        assertEquals("SASL_SSL", KafkaWiring.byteConsumerProperties(c.kafka(), "g").getProperty("security.protocol"));
        assertEquals("SASL_SSL", c.toBuilder().build().kafkaProperties().get("security.protocol"));
        assertTrue(c.toString().contains("sasl.jaas.config") && !c.toString().contains("s3cret"), c.toString());
        assertTrue(!c.kafka().toString().contains("s3cret"), c.kafka().toString());

        String message = assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(
                Map.of("maskstream.kafka.max.request.size", "1"))).getMessage();
        assertTrue(message.contains("maskstream.max.message-bytes"), message);
        assertThrows(IllegalArgumentException.class, () -> StreamConfig.fromMap(
                Map.of("maskstream.kafka.isolation.level", "read_uncommitted")));
    }
}
