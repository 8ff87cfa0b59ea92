package org.maskstream.stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.maskstream.avro.EditRequest;
import org.maskstream.data.Example;
import org.maskstream.data.Images;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Writes edit requests to the request topic at a steady rate (the {@code produce} command and the demo). */
public final class RequestProducer implements AutoCloseable {
    private final StreamConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);

    public RequestProducer(StreamConfig config) {
        this.config = config;
        this.producer = new KafkaProducer<>(KafkaWiring.byteProducerProperties(config));
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

    /** Sends raw bytes as they are (e.g. a deliberately corrupt record). */
    public void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(config.requestsTopic(), key.getBytes(StandardCharsets.UTF_8), value),
                (metadata, e) -> {
                    if (e != null) {
                        throw new IllegalStateException("Kafka refused record " + key + ": " + e.getMessage(), e);
                    }
                });
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
