package org.maskstream.events;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka at the edge of the job: the request source, the three sinks, and the client and topic settings they share.
 * Message sizes are set deliberately on every side (producer {@code max.request.size}, topic
 * {@code max.message.bytes}, consumer fetch sizes) to {@code max.message-bytes}, since Kafka's ~1 MB default is
 * smaller than many photos.
 */
public final class KafkaWiring {
    private KafkaWiring() {
    }

    /** Topic-level settings for every maskstream topic. */
    public static Map<String, String> topicConfigs(KafkaSettings kafka) {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(kafka.maxMessageBytes()));
    }

    /**
     * The {@code edit-requests} source, reading committed records only. Unbounded for the job; {@code bounded}
     * stops at the offsets that are latest when the job starts (backfills, tests).
     */
    public static KafkaSource<RawRecord> requestSource(KafkaSettings kafka, boolean bounded) {
        return requestSource(kafka, bounded, new RawRecordDeserializer());
    }

    /** The request source with another deserializer, e.g. one that wraps {@link RawRecordDeserializer}. */
    public static KafkaSource<RawRecord> requestSource(KafkaSettings kafka, boolean bounded,
                                                       KafkaRecordDeserializationSchema<RawRecord> deserializer) {
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topics().requests())
                .setGroupId(kafka.groupId())
                .setStartingOffsets(switch (kafka.startFrom()) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                })
                .setDeserializer(deserializer)
                .setProperties(consumerProperties(kafka));
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * The {@code model-updates} topic from its beginning when the job starts without a checkpoint, so a fresh job
     * catches up to the latest promoted model; from the checkpointed offsets after a restore.
     */
    public static KafkaSource<RawRecord> modelUpdatesSource(KafkaSettings kafka) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.topics().modelUpdates())
                .setGroupId(kafka.groupId() + "-model-updates")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(consumerProperties(kafka))
                .build();
    }

    public static KafkaSink<MaskResult> masksSink(KafkaSettings kafka) {
        return sink(kafka, kafka.topics().masks(), "masks", MaskResult.class, r -> utf8(r.getId()));
    }

    public static KafkaSink<IouMetric> iouSink(KafkaSettings kafka) {
        return sink(kafka, kafka.topics().iou(), "iou", IouMetric.class, m -> utf8(m.getModelVersion()));
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return sink(kafka, kafka.topics().deadLetters(), "dlq", DeadLetter.class, d -> d.getKey() == null ? null : AvroCodec.bytes(d.getKey()));
    }

    /** A sink keyed by {@code key}, values in single-object encoding, transactional ids unique per sink. */
    public static <T extends SpecificRecordBase> KafkaSink<T> sink(KafkaSettings kafka, String topic, String name,
                                                               Class<T> type, SerializationSchema<T> key) {
        Properties producer = new Properties();
        producer.putAll(producerSettings(kafka));
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(kafka.transactionTimeout().toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(key)
                        .setValueSerializationSchema(new AvroSerialization<>(type))
                        .build())
                .setDeliveryGuarantee(kafka.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                .setKafkaProducerConfig(producer)
                .build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Producer settings for image-sized records (also used by {@code produce} and the demo). */
    public static Map<String, String> producerSettings(KafkaSettings kafka) {
        return Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(kafka.maxMessageBytes()),
                // a buffer that holds a few maximum-size records
                ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(4L * kafka.maxMessageBytes()));
    }

    /** Consumer settings: committed records only, fetches that fit a maximum-size record. */
    public static Properties consumerProperties(KafkaSettings kafka) {
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(kafka.maxMessageBytes()));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(kafka.maxMessageBytes()));
        return p;
    }

    /** Plain byte-array clients for tools and tests. */
    public static Properties byteProducerProperties(KafkaSettings kafka) {
        Properties p = new Properties();
        p.putAll(producerSettings(kafka));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight: with more, a first batch refused by a partition that was still getting ready
        // (a topic created a moment ago) was overtaken by the next batch, which the broker accepted as the
        // producer's first; the retried batch then failed with OutOfOrderSequenceException until the delivery
        // timeout, and its records were lost (seen in EditMaskJobITCase, 12 of 30 requests).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return p;
    }

    public static Properties byteConsumerProperties(KafkaSettings kafka, String groupId) {
        Properties p = consumerProperties(kafka);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
