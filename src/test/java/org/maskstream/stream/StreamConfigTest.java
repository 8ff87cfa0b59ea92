package org.maskstream.stream;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

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
}
