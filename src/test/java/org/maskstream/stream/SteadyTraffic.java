package org.maskstream.stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.maskstream.avro.EditRequest;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code count} records to the request topic at a steady {@code perSecond}, on a thread of its own, whatever the job
 * is going through: every {@code badEvery}-th one is not an Avro record (its dead letter is expected), the others
 * are synthetic requests, every other one labeled. Each send waits for its ack, so an id is in the topic once.
 */
final class SteadyTraffic {
    private static final AvroCodec<EditRequest> REQUESTS = AvroCodec.of(EditRequest.class);

    final int count;
    final Set<String> good = new TreeSet<>();
    final Set<String> bad = new TreeSet<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final CompletableFuture<Void> done;

    private SteadyTraffic(StreamConfig config, int count, int perSecond, int badEvery) {
        this.count = count;
        for (int i = 0; i < count; i++) {
            (i % badEvery == badEvery - 1 ? bad : good).add(id(i, badEvery));
        }
        done = CompletableFuture.runAsync(() -> produce(config, perSecond, badEvery));
    }

    static SteadyTraffic start(StreamConfig config, int count, int perSecond, int badEvery) {
        return new SteadyTraffic(config, count, perSecond, badEvery);
    }

    private static String id(int i, int badEvery) {
        return (i % badEvery == badEvery - 1 ? "bad-" : "req-") + i;
    }

    private void produce(StreamConfig config, int perSecond, int badEvery) {
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaWiring.byteProducerProperties(config.kafka()))) {
            for (int i = 0; i < count; i++) {
                long due = start + TimeUnit.SECONDS.toNanos(i) / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String id = id(i, badEvery);
                byte[] value = id.startsWith("bad-")
                        ? ("not an edit request " + i).getBytes(StandardCharsets.UTF_8)
                        : REQUESTS.encode(TestRequests.request(id, i, i % 2 == 0, Instant.now()));
                producer.send(new ProducerRecord<>(config.requestsTopic(), id.getBytes(StandardCharsets.UTF_8), value)).get();
                sent.incrementAndGet();
            }
        } catch (Exception e) {
            throw new AssertionError("the steady producer stopped after " + sent.get() + " of " + count + ": " + e, e);
        }
    }

    /** Records acknowledged so far. */
    int sent() {
        return sent.get();
    }

    /** Blocks until {@code fraction} of the records are acknowledged. */
    void awaitSent(double fraction) throws InterruptedException {
        while (sent.get() < fraction * count && !done.isDone()) {
            Thread.sleep(50);
        }
    }

    /** Blocks until every record is acknowledged; rethrows the producer's failure. */
    void await(Duration timeout) throws Exception {
        done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
