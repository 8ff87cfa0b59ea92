package org.maskstream.stream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.maskstream.avro.ModelRef;
import org.maskstream.events.AvroTypes;
import org.maskstream.events.RawRecord;

/**
 * The serving half of the retraining loop: the {@code model-updates} topic as the job's stream of verified model
 * refs, for {@code EditMaskJob.build}'s {@code modelUpdates} parameter. The job's tag-model-version operator keeps
 * the latest ref in broadcast state (restored from checkpoints, so a restarted job serves what it served before);
 * each inference subtask loads the new version beside the serving one on the first request tagged with it and
 * closes the old one after its last batch.
 */
public final class HotSwap {
    /** Counter of updates that passed {@link VerifyModelUpdates}. */
    public static final String UPDATES_ACCEPTED = "modelUpdatesAccepted";
    /**
     * Counter of updates refused (undecodable, unsigned or wrongly signed, not passed by the gate, outside the
     * registry root, files other than the signed manifest, not loadable, wrong version).
     */
    public static final String UPDATES_REFUSED = "modelUpdatesRefused";

    private HotSwap() {
    }

    /**
     * Verified refs from {@code updates}, one decision per update (parallelism 1), trusting what {@code config}'s
     * registry root and signing key allow (neither set: none).
     */
    public static DataStream<ModelRef> verified(StreamExecutionEnvironment env, Source<RawRecord, ?, ?> updates,
                                                ModelLoader loader, StreamConfig config) {
        return env.fromSource(updates, WatermarkStrategy.noWatermarks(), "model-updates")
                .uid("model-updates-source").setParallelism(1)
                .process(new VerifyModelUpdates(loader, config.modelRegistryRoot().orElse(null),
                        config.modelSigningKeyFile().orElse(null)), AvroTypes.of(ModelRef.class))
                .name("verify-model-updates").uid("verify-model-updates").setParallelism(1);
    }
}
