package org.maskstream.stream;

import org.maskstream.events.AvroTypes;
import org.maskstream.events.KafkaWiring;
import org.maskstream.events.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.Collector;
import org.maskstream.avro.DeadLetter;
import org.maskstream.events.KafkaSettings;
import org.maskstream.events.KafkaWiring;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.SavedModel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The edit-mask streaming job, assembled from its sources and sinks; {@link #onKafka} wires them to Kafka through
 * {@link KafkaWiring}, the only place that builds Kafka clients:
 * <pre>
 * requests -> decode -> tag-model-version (broadcast: model updates) -> event-time
 *          -> inference (async, micro-batched) -> split-outcomes -> masks
 *                                                                -> labeled-results -> iou-windows (per model version) -> iou
 * decode / split-outcomes dead letters -> count-dead-letters -> dead letters
 * </pre>
 * See {@code docs/architecture.md}, section "Streaming job", for state and delivery guarantees.
 */
public final class EditMaskJob {
    private static final long BUFFER_TIMEOUT_MS = 5;

    private EditMaskJob() {
    }

    /** The job's streams, for pipelines that attach to it (e.g. gathering labeled requests for retraining). */
    public record Topology(DataStream<InferenceRequest> requests, DataStream<MaskResult> results,
                           DataStream<IouMetric> iouMetrics, DataStream<DeadLetter> deadLetters) {
    }

    /** Checkpoint interval when neither the job nor the cluster sets one (exactly-once output needs checkpoints). */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    /** Fixed-delay restarts when neither the job nor the cluster sets a strategy: bounded, so a broken job stops. */
    static final int DEFAULT_RESTART_ATTEMPTS = 3;
    static final Duration DEFAULT_RESTART_DELAY = Duration.ofSeconds(5);

    /**
     * Checkpointing, its storage and the restart strategy. The job's own {@code maskstream.checkpoint.interval-ms} and
     * {@code maskstream.restart.*} win; unset, the cluster's {@code execution.checkpointing.interval} and
     * {@code restart-strategy.*} apply (what {@code env} was created with: the client's config.yaml under
     * {@code flink run}, the JobManager's in application mode), so an operator tunes restarts in one place. Without
     * either (a local environment, a MiniCluster), the defaults above.
     */
    public static void configure(StreamExecutionEnvironment env, StreamConfig config) {
        ReadableConfig cluster = env.getConfiguration();
        Duration interval = config.checkpointInterval().orElseGet(() ->
                cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).orElse(DEFAULT_CHECKPOINT_INTERVAL));
        env.enableCheckpointing(interval.toMillis(),
                config.delivery() == StreamConfig.Delivery.EXACTLY_ONCE
                        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        env.getCheckpointConfig().setCheckpointTimeout(config.checkpointTimeout().toMillis());
        Configuration conf = new Configuration();
        boolean jobSetsRestarts = config.restartAttempts().isPresent() || config.restartDelay().isPresent();
        if (jobSetsRestarts || cluster.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isEmpty()) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                    config.restartAttempts().orElse(DEFAULT_RESTART_ATTEMPTS));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    config.restartDelay().orElse(DEFAULT_RESTART_DELAY));
        }
        // The async operator's in-flight requests (images) are part of each checkpoint: they need file storage.
        config.checkpointDir().ifPresent(dir -> conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
        env.configure(conf);
        // Requests are single small records and a result is wanted at once: send a network buffer after at most
        // this long instead of Flink's 100 ms, which alone added up to 100 ms to every request between decode and
        // inference (experiment bench, docs/results/bench.md). Throughput is unchanged: under load buffers fill first.
        env.setBufferTimeout(BUFFER_TIMEOUT_MS);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
    }

    /**
     * The model the job serves until a model update arrives: {@code maskstream.model}, under the version the folder
     * gives it ({@link SavedModel#version}), so the ref names the version its results will carry. This reads the
     * folder's metadata where the job is built: the JobManager in application mode (docker-compose and k8s mount the
     * model volume there as on the TaskManagers), the {@code flink run} client in session mode, the process itself
     * for a local job. A folder that changes before the TaskManagers load it is refused there ({@link ModelStore}).
     *
     * @throws IllegalArgumentException when {@code maskstream.model} is not set
     * @throws InvalidModelException    when the folder is not a readable saved model
     */
    public static ModelRef initialModel(StreamConfig config) {
        Path dir = SavedModels.path(modelFolder(config));
        return ModelRef.newBuilder()
                .setVersion(SavedModel.version(dir))
                .setUri(config.model())
                .setSha256(config.modelSha256().orElse(null))
                .build();
    }

    /** {@code maskstream.model}, refused when it is not set. */
    static String modelFolder(StreamConfig config) {
        if (config.model().isBlank()) {
            throw new IllegalArgumentException(StreamConfig.Key.MODEL.key()
                    + " is not set: give the model folder that 'train' wrote");
        }
        return config.model();
    }

    /**
     * The whole job on Kafka, as {@code maskstream job}, {@link EditMaskJobMain} and the demo run it: requests from
     * {@code edit-requests}, hot-swaps from {@code model-updates} (verified, see {@link HotSwap}), results to the
     * three output topics, and labeled requests to the training store when {@code maskstream.gather.store} is set.
     */
    public static Topology onKafka(StreamExecutionEnvironment env, StreamConfig config) {
        ModelRef initial = initialModel(config);
        KafkaSettings kafka = config.kafka();
        Topology topology = build(env, config, KafkaWiring.requestSource(kafka, false),
                HotSwap.verified(env, KafkaWiring.modelUpdatesSource(kafka), SavedModels.LOADER, config),
                KafkaWiring.masksSink(kafka), KafkaWiring.iouSink(kafka), KafkaWiring.deadLetterSink(kafka),
                initial, SavedModels.LOADER);
        Gather.attach(topology.requests(), config);
        return topology;
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param modelUpdates hot-swap events (a new ref switches every later request), or null for none
     * @param initial      the model served until an update arrives: {@link #initialModel} for a saved model folder
     * @param loader       loads the model a ref names: {@link SavedModels#LOADER} for saved model folders; a model
     *                     that reports another version than its ref names is refused ({@link ModelStore})
     */
    public static Topology build(StreamExecutionEnvironment env, StreamConfig config,
                                 Source<RawRecord, ?, ?> requests, DataStream<ModelRef> modelUpdates,
                                 Sink<MaskResult> masks, Sink<IouMetric> iou, Sink<DeadLetter> deadLetters,
                                 ModelRef initial, ModelLoader loader) {

        SingleOutputStreamOperator<InferenceRequest> decoded = env
                .fromSource(requests, WatermarkStrategy.noWatermarks(), "edit-requests")
                .uid("edit-requests-source")
                .process(new DecodeRequests(config), AvroTypes.of(InferenceRequest.class))
                .name("decode").uid("decode");

        DataStream<ModelRef> updates = modelUpdates != null ? modelUpdates : noModelUpdates(env);
        SingleOutputStreamOperator<InferenceRequest> tagged = decoded
                .connect(updates.broadcast(TagModelVersion.STATE))
                .process(new TagModelVersion(initial), AvroTypes.of(InferenceRequest.class))
                .name("tag-model-version").uid("tag-model-version")
                // Event time starts here, before inference: the async operator never lets a result overtake a
                // watermark, so a slow batch cannot make its own results late. Assigned after inference, an
                // unordered or stalled subtask looked idle and the windows dropped its results. Assigning here
                // also ignores the model-updates input, which carries no event time.
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<InferenceRequest>forBoundedOutOfOrderness(config.watermarkOutOfOrder())
                        .withTimestampAssigner((r, previous) -> r.getRequest().getEventTime().toEpochMilli())
                        .withIdleness(config.watermarkIdle()))
                .name("event-time").uid("event-time");

        SingleOutputStreamOperator<InferenceOutcome> outcomes = AsyncDataStream.unorderedWait(tagged,
                        new BatchedInference(config, initial, loader),
                        config.inferenceTimeout().toMillis(), TimeUnit.MILLISECONDS, config.inferenceCapacity())
                .returns(AvroTypes.of(InferenceOutcome.class))
                .name("inference").uid("inference");

        SingleOutputStreamOperator<MaskResult> results = outcomes
                .process(new SplitOutcomes(), AvroTypes.of(MaskResult.class))
                .name("split-outcomes").uid("split-outcomes");
        results.sinkTo(masks).name("edit-masks-sink").uid("edit-masks-sink");

        SingleOutputStreamOperator<IouMetric> iouMetrics = results
                .filter(r -> r.getPixelCounts() != null).name("labeled-results").uid("labeled-results")
                .keyBy(MaskResult::getModelVersion, TypeInformation.of(String.class))
                .window(TumblingEventTimeWindows.of(config.window()))
                .aggregate(new IouWindows.Aggregate(), new IouWindows.Emit(),
                        TypeInformation.of(IouWindows.Accumulator.class), TypeInformation.of(IouWindows.Accumulator.class),
                        AvroTypes.of(IouMetric.class))
                .name("iou-windows").uid("iou-windows");
        iouMetrics.sinkTo(iou).name("edit-iou-sink").uid("edit-iou-sink");

        SingleOutputStreamOperator<DeadLetter> refused = decoded.getSideOutput(DeadLetters.TAG)
                .union(results.getSideOutput(DeadLetters.TAG))
                .map(new CountDeadLetters(OutputLimits.of(config)), AvroTypes.of(DeadLetter.class))
                .name("count-dead-letters").uid("count-dead-letters");
        refused.sinkTo(deadLetters).name("edit-dlq-sink").uid("edit-dlq-sink");

        return new Topology(decoded, results, iouMetrics, refused);
    }

    /** An empty, finite stream (an empty {@code fromData} fails in Flink 2.2): one number mapped to nothing. */
    private static DataStream<ModelRef> noModelUpdates(StreamExecutionEnvironment env) {
        return env.fromSequence(0, 0).name("no-model-updates").uid("no-model-updates")
                .flatMap((Long ignored, Collector<ModelRef> out) -> { }, AvroTypes.of(ModelRef.class))
                .name("no-model-updates-empty").uid("no-model-updates-empty");
    }
}
