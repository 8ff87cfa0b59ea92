package org.maskstream.events;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.maskstream.avro.ModelUpdate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends {@link ModelUpdate}s to the {@code model-updates} topic, waiting for the broker's ack. Every update has the
 * same key ({@value #KEY}): they share a partition, so the job sees them in promotion order whatever the topic's
 * partition count, and a compacted topic keeps just the latest.
 */
public final class ModelUpdatePublisher implements AutoCloseable {
    public static final String KEY = "promoted-model";
    private static final long ACK_TIMEOUT_S = 30;

    private final KafkaSettings kafka;
    private final String topic;
    private final AvroCodec<ModelUpdate> codec = AvroCodec.of(ModelUpdate.class);
    private KafkaProducer<byte[], byte[]> producer;

    public ModelUpdatePublisher(KafkaSettings kafka) {
        this.kafka = kafka;
        this.topic = kafka.topics().modelUpdates();
    }

    /**
     * Publishes {@code update}; returns once the broker has it. When it fails or is not acknowledged in time, the
     * producer is closed at once, dropping the record it still holds: otherwise it sent the update later (on close
     * at the latest), after the caller had been told it was not published.
     */
    public void publish(ModelUpdate update) {
        if (producer == null) {
            var properties = KafkaWiring.byteProducerProperties(kafka);
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            producer = new KafkaProducer<>(properties);
        }
        try {
            producer.send(new ProducerRecord<>(topic, KEY.getBytes(StandardCharsets.UTF_8),
                    codec.encode(update))).get(ACK_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing model update " + update.getVersion(), e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            abandon();
            throw new IllegalStateException("cannot publish model update " + update.getVersion() + " to " + topic
                    + ": " + e.getMessage() + " (" + hint(e.getCause()) + ")", e);
        }
    }

    private String hint(Throwable cause) {
        if (cause instanceof AuthenticationException) {
            return "the broker refused the login: check the SASL/TLS settings in maskstream.kafka.* or --kafka-config";
        }
        if (cause instanceof AuthorizationException) {
            return "this login is not allowed to write " + topic + ": an ACL must allow it WRITE on the topic";
        }
        return "is the broker reachable and the topic created?";
    }

    private void abandon() {
        producer.close(Duration.ZERO);
        producer = null;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
