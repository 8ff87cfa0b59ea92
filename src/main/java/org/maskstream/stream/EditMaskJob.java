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
    private EditMaskJob() {
    }

    /** The job's streams, for pipelines that attach to it (e.g. gathering labeled requests for retraining). */
    public record Topology(DataStream<InferenceRequest> requests, DataStream<MaskResult> results,
                           DataStream<IouMetric> iouMetrics, DataStream<DeadLetter> deadLetters) {
    }

    /** Checkpointing (and its storage, when configured) and a bounded fixed-delay restart strategy, from the config. */
    public static void configure(StreamExecutionEnvironment env, StreamConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(),
                config.delivery() == StreamConfig.Delivery.EXACTLY_ONCE
                        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, config.restartAttempts());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, config.restartDelay());
        // The async operator's in-flight requests (images) are part of each checkpoint: they need file storage.
        config.checkpointDir().ifPresent(dir -> conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
        env.configure(conf);
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
    }

    /** The model the job serves until a model update arrives: {@code maskstream.model}. */
    public static ModelRef initialModel(StreamConfig config) {
        if (config.model().isBlank()) {
            throw new IllegalArgumentException(StreamConfig.Key.MODEL.key()
                    + " is not set: give the model folder that 'train' wrote");
        }
        return ModelRef.newBuilder()
                .setVersion("initial")
                .setUri(config.model())
                .setSha256(config.modelSha256().orElse(null))
                .build();
    }

    /**
     * The whole job on Kafka, as {@code maskstream job}, {@link EditMaskJobMain} and the demo run it: requests from
     * {@code edit-requests}, hot-swaps from {@code model-updates} (verified, see {@link HotSwap}), results to the
     * three output topics, and labeled requests to the training store when {@code maskstream.gather.store} is set.
     */
    public static Topology onKafka(StreamExecutionEnvironment env, StreamConfig config) {
        KafkaSettings kafka = config.kafka();
        Topology topology = build(env, config, KafkaWiring.requestSource(kafka, false),
                HotSwap.verified(env, KafkaWiring.modelUpdatesSource(kafka), SavedModels.LOADER),
                KafkaWiring.masksSink(kafka), KafkaWiring.iouSink(kafka), KafkaWiring.deadLetterSink(kafka),
                SavedModels.LOADER);
        Gather.attach(topology.requests(), config);
        return topology;
    }

    /**
     * Adds the job to {@code env}.
     *
     * @param modelUpdates hot-swap events (a new ref switches every later request), or null for none
     * @param loader       loads the model a ref names: {@link SavedModels#LOADER} for saved model folders
     */
    public static Topology build(StreamExecutionEnvironment env, StreamConfig config,
                                 Source<RawRecord, ?, ?> requests, DataStream<ModelRef> modelUpdates,
                                 Sink<MaskResult> masks, Sink<IouMetric> iou, Sink<DeadLetter> deadLetters,
                                 ModelLoader loader) {
        ModelRef initial = initialModel(config);

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
                .map(new CountDeadLetters(), AvroTypes.of(DeadLetter.class))
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
