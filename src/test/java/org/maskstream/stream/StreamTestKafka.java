package org.maskstream.stream;

import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.events.KafkaWiring;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import org.junit.jupiter.api.TestInfo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Producing to and reading back from the embedded broker in stream tests. */
public final class StreamTestKafka {
    private StreamTestKafka() {
    }

    /** Prefixes every topic name of {@code builder}, so a test gets fresh topics on a shared broker. */
    public static StreamConfig.Builder prefixTopics(StreamConfig.Builder builder, String prefix) {
        for (StreamConfig.Key k : List.of(StreamConfig.Key.TOPIC_REQUESTS, StreamConfig.Key.TOPIC_MASKS,
                StreamConfig.Key.TOPIC_IOU, StreamConfig.Key.TOPIC_DLQ, StreamConfig.Key.TOPIC_MODEL_UPDATES,
                StreamConfig.Key.TOPIC_LABELS)) {
            builder.set(k, prefix + k.defaultValue());
        }
        return builder;
    }

    /** A config on fresh topics (2 partitions), group and transactional ids named after the test. */
    public static StreamConfig freshConfig(EmbeddedKafka kafka, TestInfo info, String model, Map<StreamConfig.Key, Object> extra) {
        String name = info.getTestMethod().orElseThrow().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        StreamConfig.Builder builder = named(name, kafka.bootstrapServers(), model)
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 500)
                .set(StreamConfig.Key.RESTART_DELAY_MS, 200);
        extra.forEach(builder::set);
        StreamConfig config = builder.build();
        kafka.createTopics(config, 2, config.topics());
        return config;
    }

    /**
     * Topics, consumer group and transactional ids prefixed by {@code name}, reading from the earliest offset, small
     * batches and windows: what every stream test's config starts from.
     */
    public static StreamConfig.Builder named(String name, String bootstrapServers, String model) {
        return prefixTopics(StreamConfig.builder(), name + "-")
                .bootstrapServers(bootstrapServers)
                .model(model)
                .set(StreamConfig.Key.GROUP_ID, name)
                .set(StreamConfig.Key.TRANSACTIONAL_ID_PREFIX, name)
                .set(StreamConfig.Key.START_FROM, "earliest")
                .set(StreamConfig.Key.BATCH_SIZE, 16)
                .set(StreamConfig.Key.WINDOW_MS, 10_000);
    }

    /** Writes key/value pairs to the config's request topic and waits for every ack; fails if one is refused. */
    public static void produce(StreamConfig config, List<Map.Entry<String, byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaWiring.byteProducerProperties(config.kafka()))) {
            List<Map.Entry<String, Future<RecordMetadata>>> sent = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                byte[] key = r.getKey() == null ? null : r.getKey().getBytes(StandardCharsets.UTF_8);
                sent.add(Map.entry(String.valueOf(r.getKey()),
                        producer.send(new ProducerRecord<>(config.requestsTopic(), key, r.getValue()))));
            }
            producer.flush();
            for (Map.Entry<String, Future<RecordMetadata>> s : sent) {
                try {
                    s.getValue().get();
                } catch (InterruptedException | ExecutionException e) {
                    throw new AssertionError("the test could not produce request " + s.getKey() + ": " + e, e);
                }
            }
        }
    }

    /**
     * Every committed record of {@code topic}, up to the end offsets as of now, once no transaction is pending.
     *
     * <p>A producer's {@code commitTransaction} returns before the broker has written the commit markers into the
     * partitions, and until then a read_committed consumer's end offset (the last stable offset) stays before the
     * transaction. So right after a bounded job returns, its last transaction can still be invisible: this waits
     * up to {@link #SETTLE} for the last stable offsets to reach the log ends. A transaction left open longer (a
     * cancelled job's) is read up to where it starts, as a read_committed consumer would.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(StreamConfig config, String topic) {
        awaitNoPendingTransaction(config, topic);
        return readAll(config, topic, "read_committed");
    }

    private static final Duration SETTLE = Duration.ofSeconds(10);

    private static void awaitNoPendingTransaction(StreamConfig config, String topic) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        try (KafkaConsumer<byte[], byte[]> committed = consumer(config, "read_committed");
             KafkaConsumer<byte[], byte[]> uncommitted = consumer(config, "read_uncommitted")) {
            List<TopicPartition> partitions = partitions(committed, topic);
            while (!committed.endOffsets(partitions).equals(uncommitted.endOffsets(partitions))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(StreamConfig config, String isolation) {
        Properties properties = KafkaWiring.byteConsumerProperties(config.kafka(), "test-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(properties);
    }

    /**
     * Every record of {@code topic}, committed or not (records of open and aborted transactions too): to tell a
     * result that was never written from one whose transaction was not committed.
     */
    static List<ConsumerRecord<byte[], byte[]>> readAllUncommitted(StreamConfig config, String topic) {
        return readAll(config, topic, "read_uncommitted");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(StreamConfig config, String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(config, isolation)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + " did not reach its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * Per partition, the end offset a read_committed consumer sees (the last stable offset) and the log end offset:
     * they differ while a transaction is open.
     */
    static String endOffsets(StreamConfig config, String topic) {
        Map<String, Map<TopicPartition, Long>> byIsolation = new TreeMap<>();
        for (String isolation : List.of("read_committed", "read_uncommitted")) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(config, isolation)) {
                byIsolation.put(isolation, consumer.endOffsets(partitions(consumer, topic)));
            }
        }
        return byIsolation.toString();
    }

    /** Polls {@code topic} until at least {@code count} committed records arrived, for unbounded jobs. */
    static List<ConsumerRecord<byte[], byte[]>> awaitRecords(StreamConfig config, String topic, int count,
                                                            Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(config, "read_committed")) {
            // Assigned, not subscribed: a fresh consumer group's join made one await see 20 of 80 committed
            // records within 90 s; assignment needs no group coordinator.
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + out.size() + " of " + count + " records arrived on " + topic
                            + " within " + timeout + "; end offsets of " + topic + ": " + endOffsets(config, topic)
                            + ", of " + config.requestsTopic() + ": " + endOffsets(config, config.requestsTopic()));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }
}
