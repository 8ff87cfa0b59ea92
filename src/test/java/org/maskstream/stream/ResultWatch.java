package org.maskstream.stream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.maskstream.events.KafkaWiring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When each record of the masks topic was first written: a read_uncommitted consumer on a thread of its own notes
 * the wall-clock time it first sees each partition@offset. Committed results read afterwards get their time from
 * here, so recovery time is measured between results that count (written in a committed transaction), to the
 * moment they were written rather than to the checkpoint that made them visible.
 */
final class ResultWatch implements AutoCloseable {
    private final Map<String, Long> firstSeenMillis = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ResultWatch(StreamConfig config) {
        Properties properties = KafkaWiring.byteConsumerProperties(config.kafka(), "result-watch-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
                List<TopicPartition> partitions = consumer.partitionsFor(config.masksTopic()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    // a broker that is away makes poll wait and retry; it never throws for that
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        firstSeenMillis.putIfAbsent(key(r), System.currentTimeMillis());
                    }
                }
            }
        }, "result-watch");
        thread.setDaemon(true);
        thread.start();
    }

    static String key(ConsumerRecord<?, ?> r) {
        return r.partition() + "@" + r.offset();
    }

    /** When {@code record} was first seen, or empty if this watch never saw it. */
    /** Result records seen so far, committed, aborted or still open. */
    int seen() {
        return firstSeenMillis.size();
    }

    java.util.Optional<Long> firstSeen(ConsumerRecord<?, ?> record) {
        return java.util.Optional.ofNullable(firstSeenMillis.get(key(record)));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
