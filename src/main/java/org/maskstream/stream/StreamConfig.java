package org.maskstream.stream;

import org.maskstream.events.KafkaSettings;
import org.apache.flink.configuration.Configuration;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The streaming job's configuration: immutable, validated when built, every key documented in {@link Key} (and in
 * the README's Configuration section, which a test keeps equal to {@link #markdownTable()}).
 *
 * <p>Keys carry the prefix {@value #PREFIX} so they can sit in a Flink {@code config.yaml} beside Flink's own
 * ({@link #fromConfiguration(Configuration)}); the {@code job} command sets them from its options and
 * {@code --conf KEY=VALUE} ({@link #fromMap(Map)}); code and tests use {@link #builder()}.
 */
public final class StreamConfig implements Serializable {
    /** The broker every command and the job use when none is given. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

    private static final long serialVersionUID = 1L;

    public static final String PREFIX = "maskstream.";
    /** Kafka message size limit used for the producer, the topics and the consumer fetches: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /** Delivery guarantee of the job's Kafka sinks. */
    public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

    /** Every configuration key: its name (after {@value #PREFIX}), default and meaning. */
    public enum Key {
        BOOTSTRAP_SERVERS("bootstrap.servers", DEFAULT_BOOTSTRAP_SERVERS, "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]."),
        TOPIC_REQUESTS("topic.requests", "edit-requests", "Topic of incoming `EditRequest` events."),
        TOPIC_MASKS("topic.masks", "edit-masks", "Topic the `MaskResult` events go to."),
        TOPIC_IOU("topic.iou", "edit-iou", "Topic the windowed `IouMetric` events go to."),
        TOPIC_DLQ("topic.dlq", "edit-dlq", "Topic the `DeadLetter` events go to."),
        TOPIC_MODEL_UPDATES("topic.model-updates", "model-updates", "Topic of model hot-swap events (retraining)."),
        TOPIC_LABELS("topic.labels", "labeled-examples",
                "Topic the ids and train/validation splits of gathered labeled requests go to (`LabeledExample`)."),
        GATHER_STORE("gather.store", "",
                "Training store folder (path or Flink file system URI) labeled requests are gathered into; empty: off."),
        GROUP_ID("group.id", "maskstream", "Kafka consumer group of the request source."),
        START_FROM("start-from", "committed",
                "Where the request source starts without a checkpoint: `committed` (group offsets, else earliest), "
                        + "`earliest` or `latest`."),
        MODEL("model", "", "Model folder (a path or `file:` URI) written by `train`: the initial model. Required; read"
                + " when the job is built, for the version its results name."),
        MODEL_SHA256("model.sha256", "", "Expected SHA-256 of the model folder (`SavedModel.sha256`); empty: not checked."),
        MODEL_CACHE_SIZE("model.cache-size", "2", "Model versions each inference subtask keeps loaded."),
        MODEL_REGISTRY_ROOT("model.registry-root", "",
                "Folder every model update's folder must lie in once symbolic links are resolved: the registry "
                        + "`retrain --registry` writes. Empty: no model update is served."),
        MODEL_SIGNING_KEY_FILE("model.signing-key-file", "",
                "File holding the key the registry signs promotions with (`retrain --signing-key-file`; a secret, "
                        + "never logged); the job serves only updates it signed. Empty: no model update is served."),
        PARALLELISM("parallelism", "0", "Parallelism of the job; 0: the environment's default."),
        BATCH_SIZE("batch.size", "8", "Most requests in one batched forward pass (B)."),
        BATCH_WAIT_MS("batch.wait-ms", "20",
                "Longest a request waits for its batch to fill before the batch runs anyway (T), milliseconds."),
        INFERENCE_CAPACITY("inference.capacity", "0",
                "Requests in flight per inference subtask (async I/O capacity); 0: 4 x batch.size."),
        INFERENCE_TIMEOUT_MS("inference.timeout-ms", "120000",
                "A request not answered within this many milliseconds fails the job (and it restarts)."),
        WINDOW_MS("window.ms", "60000", "Size of the tumbling event-time IoU windows, milliseconds."),
        WATERMARK_OUT_OF_ORDER_MS("watermark.out-of-order-ms", "5000",
                "How late (event time) a labeled result may be and still count in its window, milliseconds."),
        WATERMARK_IDLE_MS("watermark.idle-ms", "10000",
                "A subtask without labeled results for this long stops holding back the windows, milliseconds."),
        MAX_IMAGE_BYTES("max.image-bytes", String.valueOf(8 * 1024 * 1024),
                "Largest accepted encoded image (and ground-truth mask); larger ones become IMAGE_TOO_LARGE dead letters."),
        MAX_IMAGE_PIXELS("max.image-pixels", String.valueOf(4096 * 4096),
                "Largest accepted width x height; larger images become IMAGE_TOO_LARGE dead letters."),
        MAX_IMAGE_SIDE("max.image-side", "16384",
                "Longest accepted image width or height; longer ones become IMAGE_TOO_LARGE dead letters."),
        MAX_INSTRUCTION_CHARS("max.instruction-chars", "500",
                "Longest accepted instruction; empty or longer ones become BAD_INSTRUCTION dead letters."),
        MAX_ID_BYTES("max.id-bytes", "256",
                "Longest accepted request id (UTF-8 bytes; also the results' key); blank, longer ones or ids with control "
                        + "characters or U+FFFD (invalid UTF-8) become BAD_ID dead letters."),
        MAX_ATTRIBUTES("max.attributes", "32",
                "Most attributes a request may carry (they are copied into its result); more become BAD_ATTRIBUTES dead letters."),
        MAX_ATTRIBUTE_CHARS("max.attribute-chars", "256",
                "Longest accepted attribute name or value; longer ones become BAD_ATTRIBUTES dead letters."),
        MAX_DECODED_BYTES("max.decoded-bytes", String.valueOf(64 * 1024 * 1024),
                "Largest accepted decoded image (or mask): width x height x bytes per pixel as its header declares; larger "
                        + "ones become IMAGE_TOO_LARGE (BAD_MASK) dead letters."),
        BATCH_MAX_DECODED_BYTES("batch.max-decoded-bytes", String.valueOf(128 * 1024 * 1024),
                "Most decoded image and mask bytes one batch holds at once; a batch closes early rather than exceed it. "
                        + "At least max.decoded-bytes."),
        EVENT_TIME_MAX_PAST_MS("event-time.max-past-ms", String.valueOf(3650L * 24 * 3600 * 1000),
                "Oldest accepted event time, milliseconds before the job's clock (10 years: backfills pass); older ones "
                        + "become BAD_EVENT_TIME dead letters."),
        EVENT_TIME_MAX_FUTURE_MS("event-time.max-future-ms", "60000",
                "Latest accepted event time, milliseconds after the job's clock; later ones become BAD_EVENT_TIME dead "
                        + "letters (a far-future time would advance the watermark and drop later IoU data as late)."),
        MAX_MESSAGE_BYTES("max.message-bytes", String.valueOf(DEFAULT_MAX_MESSAGE_BYTES),
                "Kafka record size limit: producer `max.request.size`, topic `max.message.bytes`, consumer fetch sizes."),
        DELIVERY("delivery", "exactly-once", "`exactly-once` (Kafka transactions) or `at-least-once`."),
        TRANSACTIONAL_ID_PREFIX("transactional-id-prefix", "maskstream",
                "Prefix of the sinks' Kafka transactional ids; unique per job on a cluster."),
        TRANSACTION_TIMEOUT_MS("transaction.timeout-ms", "600000",
                "Kafka transaction timeout; must stay below the broker's `transaction.max.timeout.ms` (15 min by default)."),
        CHECKPOINT_INTERVAL_MS("checkpoint.interval-ms", "",
                "Checkpoint interval; with exactly-once, results become visible to read_committed readers at each checkpoint. "
                        + "Empty: the cluster's `execution.checkpointing.interval`, else 10000."),
        CHECKPOINT_TIMEOUT_MS("checkpoint.timeout-ms", "120000",
                "A checkpoint not complete within this many milliseconds is aborted. transaction.timeout-ms must exceed "
                        + "checkpoint.interval-ms plus this, or the broker aborts a transaction before its checkpoint commits it."),
        CHECKPOINT_DIR("checkpoint.dir", "",
                "Checkpoint storage URI (`file:///...`, `s3://...`); empty: the cluster's `execution.checkpointing.dir`. "
                        + "Without either, Flink keeps checkpoints in JobManager memory (5 MB), too small for in-flight images."),
        RESTART_ATTEMPTS("restart.attempts", "",
                "Restarts after a failure before the job gives up (fixed delay). Empty, with `restart.delay-ms` empty too: "
                        + "the cluster's `restart-strategy.*`, else 3."),
        RESTART_DELAY_MS("restart.delay-ms", "",
                "Wait between restarts, milliseconds (fixed delay). Empty: as `restart.attempts`; else 5000."),
        SCHEMAS_DIR("schemas.dir", "",
                "Folder of extra writer schemas (`*.avsc`) the decoder accepts, e.g. from newer producers; empty: none.");

        private final String name;
        private final String defaultValue;
        private final String doc;

        Key(String name, String defaultValue, String doc) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.doc = doc;
        }

        /** The full key, with {@value #PREFIX}. */
        public String key() {
            return PREFIX + name;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String doc() {
            return doc;
        }

        static Optional<Key> byName(String fullKey) {
            return Arrays.stream(values()).filter(k -> k.key().equals(fullKey)).findFirst();
        }
    }

    /**
     * Prefix of Kafka client properties passed to every client the project creates (job source and sinks, the
     * model-update source, {@code produce}, {@code tail}, {@code view}, {@code retrain}'s publisher, the demo), in
     * Kafka's own names: {@code maskstream.kafka.security.protocol=SASL_SSL},
     * {@code maskstream.kafka.sasl.jaas.config=...}.
     */
    public static final String KAFKA_PREFIX = PREFIX + "kafka.";
    /** Client properties the job sets itself, for correctness; each names the key to use instead. */
    private static final Map<String, String> KAFKA_PROPERTIES_SET_BY_THE_JOB = Map.ofEntries(
            Map.entry("bootstrap.servers", Key.BOOTSTRAP_SERVERS.key()),
            Map.entry("group.id", Key.GROUP_ID.key()),
            Map.entry("isolation.level", "nothing: the job reads read_committed"),
            Map.entry("transactional.id", Key.TRANSACTIONAL_ID_PREFIX.key()),
            Map.entry("transaction.timeout.ms", Key.TRANSACTION_TIMEOUT_MS.key()),
            Map.entry("max.request.size", Key.MAX_MESSAGE_BYTES.key()),
            Map.entry("max.partition.fetch.bytes", Key.MAX_MESSAGE_BYTES.key()),
            Map.entry("fetch.max.bytes", Key.MAX_MESSAGE_BYTES.key()),
            Map.entry("key.serializer", "nothing: keys and values are bytes"),
            Map.entry("value.serializer", "nothing: keys and values are bytes"),
            Map.entry("key.deserializer", "nothing: keys and values are bytes"),
            Map.entry("value.deserializer", "nothing: keys and values are bytes"));

    private final EnumMap<Key, String> values;
    private final TreeMap<String, String> kafka;

    private StreamConfig(EnumMap<Key, String> values, TreeMap<String, String> kafka) {
        this.values = values;
        this.kafka = kafka;
    }

    /**
     * The Kafka client properties under {@value #KAFKA_PREFIX}, prefix removed. May hold secrets
     * ({@code sasl.jaas.config}, {@code ssl.keystore.password}): {@link #toString()} shows their names only.
     */
    public Map<String, String> kafkaProperties() {
        return Collections.unmodifiableMap(kafka);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.kafka.putAll(kafka);
        return b;
    }

    /**
     * From full keys ({@code maskstream.batch.size} = {@code 16}); keys without the prefix are ignored, unknown
     * keys with it are an error naming the known ones.
     */
    public static StreamConfig fromMap(Map<String, String> map) {
        Builder b = builder();
        map.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PREFIX)) {
                b.kafka(k.substring(KAFKA_PREFIX.length()), v);
            } else if (k.startsWith(PREFIX)) {
                b.set(Key.byName(k).orElseThrow(() -> new IllegalArgumentException("unknown configuration key '" + k
                        + "'; known keys: " + Arrays.stream(Key.values()).map(Key::key).collect(Collectors.joining(", ")))), v);
            }
        });
        return b.build();
    }

    /** From a Flink configuration (e.g. {@code config.yaml}): its {@value #PREFIX} keys. */
    public static StreamConfig fromConfiguration(Configuration configuration) {
        return fromMap(configuration.toMap());
    }

    /** All values under their full keys, defaults included. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k.key(), v));
        return m;
    }

    public String get(Key key) {
        return values.get(key);
    }

    public String bootstrapServers() {
        return get(Key.BOOTSTRAP_SERVERS);
    }

    public String requestsTopic() {
        return get(Key.TOPIC_REQUESTS);
    }

    public String masksTopic() {
        return get(Key.TOPIC_MASKS);
    }

    public String iouTopic() {
        return get(Key.TOPIC_IOU);
    }

    public String dlqTopic() {
        return get(Key.TOPIC_DLQ);
    }

    public String modelUpdatesTopic() {
        return get(Key.TOPIC_MODEL_UPDATES);
    }

    public String labelsTopic() {
        return get(Key.TOPIC_LABELS);
    }

    public Optional<String> gatherStore() {
        return optional(Key.GATHER_STORE);
    }

    /** The job's output and input topics, for topic creation. */
    public List<String> topics() {
        return kafka().topics().all();
    }

    /** The part of this configuration the Kafka edge ({@code KafkaWiring}) uses. */
    public KafkaSettings kafka() {
        return new KafkaSettings(bootstrapServers(),
                new KafkaSettings.Topics(requestsTopic(), masksTopic(), iouTopic(), dlqTopic(), modelUpdatesTopic(),
                        labelsTopic()),
                groupId(), startFrom(), maxMessageBytes(), delivery() == Delivery.EXACTLY_ONCE,
                transactionalIdPrefix(), transactionTimeout(), kafkaProperties());
    }

    public String groupId() {
        return get(Key.GROUP_ID);
    }

    public String startFrom() {
        return get(Key.START_FROM);
    }

    public String model() {
        return get(Key.MODEL);
    }

    public Optional<String> modelSha256() {
        return optional(Key.MODEL_SHA256);
    }

    public Optional<String> modelRegistryRoot() {
        return optional(Key.MODEL_REGISTRY_ROOT);
    }

    public Optional<String> modelSigningKeyFile() {
        return optional(Key.MODEL_SIGNING_KEY_FILE);
    }

    public int modelCacheSize() {
        return intValue(Key.MODEL_CACHE_SIZE);
    }

    public int parallelism() {
        return intValue(Key.PARALLELISM);
    }

    public int batchSize() {
        return intValue(Key.BATCH_SIZE);
    }

    public Duration batchWait() {
        return millis(Key.BATCH_WAIT_MS);
    }

    public int inferenceCapacity() {
        int c = intValue(Key.INFERENCE_CAPACITY);
        return c == 0 ? 4 * batchSize() : c;
    }

    public Duration inferenceTimeout() {
        return millis(Key.INFERENCE_TIMEOUT_MS);
    }

    public Duration window() {
        return millis(Key.WINDOW_MS);
    }

    public Duration watermarkOutOfOrder() {
        return millis(Key.WATERMARK_OUT_OF_ORDER_MS);
    }

    public Duration watermarkIdle() {
        return millis(Key.WATERMARK_IDLE_MS);
    }

    public int maxImageBytes() {
        return intValue(Key.MAX_IMAGE_BYTES);
    }

    public long maxImagePixels() {
        return longValue(Key.MAX_IMAGE_PIXELS);
    }

    public int maxImageSide() {
        return intValue(Key.MAX_IMAGE_SIDE);
    }

    public int maxInstructionChars() {
        return intValue(Key.MAX_INSTRUCTION_CHARS);
    }

    public int maxIdBytes() {
        return intValue(Key.MAX_ID_BYTES);
    }

    public int maxAttributes() {
        return intValue(Key.MAX_ATTRIBUTES);
    }

    public int maxAttributeChars() {
        return intValue(Key.MAX_ATTRIBUTE_CHARS);
    }

    public long maxDecodedBytes() {
        return longValue(Key.MAX_DECODED_BYTES);
    }

    public long batchMaxDecodedBytes() {
        return longValue(Key.BATCH_MAX_DECODED_BYTES);
    }

    public Duration eventTimeMaxPast() {
        return millis(Key.EVENT_TIME_MAX_PAST_MS);
    }

    public Duration eventTimeMaxFuture() {
        return millis(Key.EVENT_TIME_MAX_FUTURE_MS);
    }

    public int maxMessageBytes() {
        return intValue(Key.MAX_MESSAGE_BYTES);
    }

    public Delivery delivery() {
        return parseDelivery(get(Key.DELIVERY));
    }

    public String transactionalIdPrefix() {
        return get(Key.TRANSACTIONAL_ID_PREFIX);
    }

    public Duration transactionTimeout() {
        return millis(Key.TRANSACTION_TIMEOUT_MS);
    }

    /** The checkpoint interval set for this job; empty: the cluster's (see {@code EditMaskJob.configure}). */
    public Optional<Duration> checkpointInterval() {
        return optional(Key.CHECKPOINT_INTERVAL_MS).map(v -> millis(Key.CHECKPOINT_INTERVAL_MS));
    }

    public Duration checkpointTimeout() {
        return millis(Key.CHECKPOINT_TIMEOUT_MS);
    }

    public Optional<String> checkpointDir() {
        return optional(Key.CHECKPOINT_DIR);
    }

    /** Fixed-delay restart attempts set for this job; empty: the cluster's strategy (see {@code EditMaskJob.configure}). */
    public Optional<Integer> restartAttempts() {
        return optional(Key.RESTART_ATTEMPTS).map(v -> intValue(Key.RESTART_ATTEMPTS));
    }

    public Optional<Duration> restartDelay() {
        return optional(Key.RESTART_DELAY_MS).map(v -> millis(Key.RESTART_DELAY_MS));
    }

    public Optional<String> schemasDir() {
        return optional(Key.SCHEMAS_DIR);
    }

    private Optional<String> optional(Key key) {
        String v = get(key);
        return v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    private int intValue(Key key) {
        return Integer.parseInt(get(key).trim());
    }

    private long longValue(Key key) {
        return Long.parseLong(get(key).trim());
    }

    private Duration millis(Key key) {
        return Duration.ofMillis(longValue(key));
    }

    private static Delivery parseDelivery(String value) {
        return Delivery.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The keys as a Markdown table, the README's Configuration section. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (Key k : Key.values()) {
            sb.append("| `").append(k.key()).append("` | ")
                    .append(k.defaultValue.isEmpty() ? "(empty)" : "`" + k.defaultValue + "`")
                    .append(" | ").append(k.doc).append(" |\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toMap() + (kafka.isEmpty() ? "" : " and Kafka client properties " + kafka.keySet() + " (values not shown)");
    }

    /** Collects values; {@link #build()} checks every one. */
    public static final class Builder {
        private final EnumMap<Key, String> values = new EnumMap<>(Key.class);
        private final TreeMap<String, String> kafka = new TreeMap<>();

        private Builder() {
            for (Key k : Key.values()) {
                values.put(k, k.defaultValue);
            }
        }

        public Builder set(Key key, Object value) {
            values.put(key, String.valueOf(value));
            return this;
        }

        /** A Kafka client property ({@code security.protocol}, {@code sasl.mechanism}...), without the prefix. */
        public Builder kafka(String property, String value) {
            kafka.put(property, value);
            return this;
        }

        /** Every entry of {@code properties} (a {@code --kafka-config} file) as a Kafka client property. */
        public Builder kafka(Map<?, ?> properties) {
            properties.forEach((k, v) -> kafka(String.valueOf(k), String.valueOf(v)));
            return this;
        }

        public Builder bootstrapServers(String servers) {
            return set(Key.BOOTSTRAP_SERVERS, servers);
        }

        public Builder model(String modelDir) {
            return set(Key.MODEL, modelDir);
        }

        public StreamConfig build() {
            EnumMap<Key, String> copy = new EnumMap<>(values);
            StreamConfig c = new StreamConfig(copy, new TreeMap<>(kafka));
            check(c);
            return c;
        }

        private static void check(StreamConfig c) {
            for (Key k : Key.values()) {
                if (c.get(k) == null) {
                    throw new IllegalArgumentException(k.key() + " must not be null");
                }
            }
            positive(c, Key.MODEL_CACHE_SIZE, Key.BATCH_SIZE, Key.INFERENCE_TIMEOUT_MS, Key.WINDOW_MS,
                    Key.MAX_IMAGE_BYTES, Key.MAX_IMAGE_PIXELS, Key.MAX_INSTRUCTION_CHARS, Key.MAX_MESSAGE_BYTES,
                    Key.TRANSACTION_TIMEOUT_MS, Key.CHECKPOINT_TIMEOUT_MS, Key.MAX_IMAGE_SIDE, Key.MAX_ID_BYTES, Key.MAX_ATTRIBUTE_CHARS,
                    Key.MAX_DECODED_BYTES, Key.BATCH_MAX_DECODED_BYTES, Key.EVENT_TIME_MAX_PAST_MS);
            nonNegative(c, Key.PARALLELISM, Key.BATCH_WAIT_MS, Key.INFERENCE_CAPACITY, Key.WATERMARK_OUT_OF_ORDER_MS,
                    Key.WATERMARK_IDLE_MS, Key.MAX_ATTRIBUTES,
                    Key.EVENT_TIME_MAX_FUTURE_MS);
            c.kafka.forEach((property, value) -> {
                String instead = KAFKA_PROPERTIES_SET_BY_THE_JOB.get(property);
                if (instead != null) {
                    throw new IllegalArgumentException("the Kafka client property " + property + " is set by maskstream;"
                            + " use " + instead);
                }
                if (value == null || property.isBlank()) {
                    throw new IllegalArgumentException("Kafka client property '" + property + "' has no value");
                }
            });
            if (c.modelRegistryRoot().isPresent() != c.modelSigningKeyFile().isPresent()) {
                throw new IllegalArgumentException("set both " + Key.MODEL_REGISTRY_ROOT.key() + " and "
                        + Key.MODEL_SIGNING_KEY_FILE.key() + " to serve model updates, or neither to serve "
                        + Key.MODEL.key() + " only");
            }
            if (!c.get(Key.CHECKPOINT_INTERVAL_MS).isBlank()) {
                positive(c, Key.CHECKPOINT_INTERVAL_MS);
            }
            for (Key unsetMeansTheCluster : List.of(Key.RESTART_ATTEMPTS, Key.RESTART_DELAY_MS)) {
                if (!c.get(unsetMeansTheCluster).isBlank()) {
                    nonNegative(c, unsetMeansTheCluster);
                }
            }
            if (c.inferenceCapacity() < c.batchSize()) {
                throw new IllegalArgumentException(Key.INFERENCE_CAPACITY.key() + " (" + c.inferenceCapacity()
                        + ") must be at least " + Key.BATCH_SIZE.key() + " (" + c.batchSize() + ") or a batch never fills");
            }
            if (c.maxImageBytes() >= c.maxMessageBytes()) {
                throw new IllegalArgumentException(Key.MAX_IMAGE_BYTES.key() + " must be below " + Key.MAX_MESSAGE_BYTES.key()
                        + " so an accepted image fits a Kafka record");
            }
            if (c.batchMaxDecodedBytes() < c.maxDecodedBytes()) {
                throw new IllegalArgumentException(Key.BATCH_MAX_DECODED_BYTES.key() + " (" + c.batchMaxDecodedBytes()
                        + ") must be at least " + Key.MAX_DECODED_BYTES.key() + " (" + c.maxDecodedBytes()
                        + ") so every accepted request fits a batch");
            }
            String outputs = OutputLimits.problem(c);
            if (outputs != null) {
                throw new IllegalArgumentException(outputs);
            }
            // an interval left to the cluster is only known when the job starts: checked here at the fallback
            Duration checkpointBound = c.checkpointInterval().orElse(EditMaskJob.DEFAULT_CHECKPOINT_INTERVAL)
                    .plus(c.checkpointTimeout());
            if (c.transactionTimeout().compareTo(checkpointBound) <= 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s (%d) must be above %s plus %s (%d):"
                                + " a transaction stays open until the checkpoint after it completes, and the broker would"
                                + " abort it first, losing its results", Key.TRANSACTION_TIMEOUT_MS.key(),
                        c.transactionTimeout().toMillis(), Key.CHECKPOINT_INTERVAL_MS.key(),
                        Key.CHECKPOINT_TIMEOUT_MS.key(), checkpointBound.toMillis()));
            }
            if (c.transactionalIdPrefix().isBlank()) {
                throw new IllegalArgumentException(Key.TRANSACTIONAL_ID_PREFIX.key() + " must not be blank");
            }
            if (c.transactionTimeout().compareTo(Duration.ofMinutes(15)) >= 0) {
                throw new IllegalArgumentException(Key.TRANSACTION_TIMEOUT_MS.key()
                        + " must be below 15 minutes, the Kafka broker's default transaction.max.timeout.ms");
            }
            try {
                parseDelivery(c.get(Key.DELIVERY));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Key.DELIVERY.key() + " must be exactly-once or at-least-once, got '"
                        + c.get(Key.DELIVERY) + "'");
            }
            if (!List.of("committed", "earliest", "latest").contains(c.startFrom())) {
                throw new IllegalArgumentException(Key.START_FROM.key() + " must be committed, earliest or latest, got '"
                        + c.startFrom() + "'");
            }
        }

        private static void positive(StreamConfig c, Key... keys) {
            for (Key k : keys) {
                if (number(c, k) <= 0) {
                    throw new IllegalArgumentException(k.key() + " must be positive, got " + c.get(k));
                }
            }
        }

        private static void nonNegative(StreamConfig c, Key... keys) {
            for (Key k : keys) {
                if (number(c, k) < 0) {
                    throw new IllegalArgumentException(k.key() + " must not be negative, got " + c.get(k));
                }
            }
        }

        private static long number(StreamConfig c, Key k) {
            try {
                return Long.parseLong(c.get(k).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(k.key() + " must be a whole number, got '" + c.get(k) + "'");
            }
        }
    }
}
