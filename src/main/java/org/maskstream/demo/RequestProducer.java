package org.maskstream.demo;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.StreamConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.maskstream.avro.EditRequest;
import org.maskstream.data.Example;
import org.maskstream.data.Images;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Writes edit requests to the request topic at a steady rate (the {@code produce} command and the demo). */
public final class RequestProducer implements AutoCloseable {
    private final StreamConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
    private final AtomicReference<IllegalStateException> failure = new AtomicReference<>();

    public RequestProducer(StreamConfig config) {
        this.config = config;
        this.producer = new KafkaProducer<>(KafkaWiring.byteProducerProperties(config.kafka()));
    }

    /** The request for one example; the mask goes along only when {@code withMask} and the example has one. */
    public static EditRequest toRequest(Example example, String id, Instant eventTime, boolean withMask) {
        return EditRequest.newBuilder()
                .setId(id)
                .setEventTime(eventTime)
                .setImage(ByteBuffer.wrap(Images.encodePng(example.image())))
                .setInstruction(example.instruction())
                .setGroundTruthMask(withMask && example.labeled()
                        ? ByteBuffer.wrap(Images.encodePng(example.mask().toImage())) : null)
                .setAttributes(Map.of("example", example.id()))
                .build();
    }

    public void send(EditRequest request) {
        send(request.getId(), codec.encode(request));
    }

    /**
     * Sends raw bytes as they are (e.g. a deliberately corrupt record). Throws if an earlier send failed (Kafka
     * reports failures asynchronously, and an exception thrown in its callback would only be logged).
     */
    public void send(String key, byte[] value) {
        throwIfFailed();
        producer.send(new ProducerRecord<>(config.requestsTopic(), key.getBytes(StandardCharsets.UTF_8), value),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, new IllegalStateException("Kafka refused record " + key + ": "
                                + e.getMessage(), e));
                    }
                });
    }

    /** Waits for every record sent so far; throws if one failed. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    private void throwIfFailed() {
        IllegalStateException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
