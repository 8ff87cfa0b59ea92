package org.maskstream.view;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.StreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Reads the job's topics ({@code read_committed}, a group of its own that commits nothing) into a {@link ViewState}
 * on one thread, and the registry's history when one is given.
 *
 * <p>{@code model-updates} is always read from its beginning (it is small, and the timeline should show every
 * promotion); the other topics from their beginning or their end, as asked. Records that do not decode are
 * counted and skipped: the view must not stop on what the job itself turned into dead letters.
 */
public final class ViewReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewReader.class);
    private static final Duration HISTORY_EVERY = Duration.ofSeconds(2);

    private final StreamConfig config;
    private final ViewState state;
    private final Path registry;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final AvroCodec<EditRequest> requests = AvroCodec.of(EditRequest.class);
    private final AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);
    private final AvroCodec<IouMetric> windows = AvroCodec.of(IouMetric.class);
    private final AvroCodec<DeadLetter> deadLetters = AvroCodec.of(DeadLetter.class);
    private final AvroCodec<ModelUpdate> updates = AvroCodec.of(ModelUpdate.class);
    private volatile long undecodable;
    private volatile boolean closed;

    /**
     * @param registry       a retraining registry folder whose history.jsonl adds refusals to the timeline; null: none
     * @param fromBeginning  read the results, windows, dead letters and requests from their beginning
     */
    private ViewReader(StreamConfig config, ViewState state, Path registry, boolean fromBeginning) {
        this.config = config;
        this.state = state;
        this.registry = registry;
        Properties props = KafkaWiring.byteConsumerProperties(config.kafka(), "maskstream-view-" + UUID.randomUUID());
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this::run, "maskstream-view-reader");
        thread.setDaemon(true);
    }

    /** Starts reading on a thread of its own until {@link #close()}. */
    public static ViewReader start(StreamConfig config, ViewState state, Path registry, boolean fromBeginning) {
        ViewReader reader = new ViewReader(config, state, registry, fromBeginning);
        reader.subscribe();
        reader.thread.start();
        return reader;
    }

    private void subscribe() {
        consumer.subscribe(List.of(config.requestsTopic(), config.masksTopic(), config.iouTopic(), config.dlqTopic(),
                config.modelUpdatesTopic()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.seekToBeginning(partitions.stream()
                        .filter(p -> p.topic().equals(config.modelUpdatesTopic())).toList());
            }
        });
    }

    /** Records seen that did not decode. */
    public long undecodable() {
        return undecodable;
    }

    private void run() {
        long nextHistory = 0;
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    take(r);
                }
                if (registry != null && System.nanoTime() >= nextHistory) {
                    readHistory();
                    nextHistory = System.nanoTime() + HISTORY_EVERY.toNanos();
                }
            }
        } catch (WakeupException closing) {
            // close() woke the consumer up
        } catch (RuntimeException e) {
            LOG.error("the view stopped reading Kafka", e);
        } finally {
            consumer.close();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            undecodable++;
            return;
        }
        String topic = r.topic();
        try {
            if (topic.equals(config.requestsTopic())) {
                state.onRequest(requests.decode(r.value()));
            } else if (topic.equals(config.masksTopic())) {
                state.onResult(results.decode(r.value()), System.currentTimeMillis());
            } else if (topic.equals(config.iouTopic())) {
                state.onIou(windows.decode(r.value()));
            } else if (topic.equals(config.dlqTopic())) {
                state.onDeadLetter(deadLetters.decode(r.value()));
            } else {
                state.onModelUpdate(updates.decode(r.value()));
            }
        } catch (AvroCodec.DecodeException e) {
            // on edit-requests these are the poison records the job turns into dead letters
            undecodable++;
        }
    }

    private void readHistory() {
        try {
            ModelRegistry.history(registry).forEach(state::onAttempt);
        } catch (RuntimeException e) {
            LOG.warn("cannot read the registry history in {}: {}", registry, e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}
