package org.maskstream.stream;


import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.ModelRef;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Gatekeeper of the hot-swap: turns each {@code model-updates} record into the {@link ModelRef} the job switches to,
 * or refuses it with a log line and the {@value HotSwap#UPDATES_REFUSED} metric, so the serving model keeps serving.
 *
 * <p>An update is accepted only when it decodes, its folder's recorded SHA-256 is the published one, and the model
 * loads (which checks the parameters against that hash) and names the published version. Runs with parallelism 1
 * before the broadcast, so every subtask of the job gets the same decision, and the inference subtasks never try a
 * model that was not checked.
 */
final class VerifyModelUpdates extends ProcessFunction<RawRecord, ModelRef> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VerifyModelUpdates.class);

    private final ModelLoader loader;
    private transient AvroCodec<ModelUpdate> codec;
    private transient Counter accepted;
    private transient Counter refused;

    VerifyModelUpdates(ModelLoader loader) {
        this.loader = loader;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = AvroCodec.of(ModelUpdate.class);
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(StreamMetrics.GROUP);
        accepted = metrics.counter(HotSwap.UPDATES_ACCEPTED);
        refused = metrics.counter(HotSwap.UPDATES_REFUSED);
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ModelRef> out) {
        ModelUpdate update;
        try {
            update = codec.decode(record.value);
        } catch (AvroCodec.DecodeException e) {
            refused.inc();
            LOG.warn("refused the model update at {}-{} offset {}: not a ModelUpdate ({}); the serving model keeps"
                    + " serving", record.topic, record.partition, record.offset, e.getMessage());
            return;
        }
        ModelRef ref = ModelRef.newBuilder().setVersion(update.getVersion()).setUri(update.getUri())
                .setSha256(update.getSha256()).build();
        Optional<String> problem = problem(ref, loader);
        if (problem.isPresent()) {
            refused.inc();
            LOG.warn("refused model update {} ({}): {}; the serving model keeps serving", update.getVersion(),
                    update.getUri(), problem.get());
            return;
        }
        accepted.inc();
        LOG.info("model update {} verified (sha256 {}); the job switches to it", update.getVersion(),
                update.getSha256());
        out.collect(ref);
    }

    /** Why the job must not switch to {@code ref}, or empty when it may. */
    static Optional<String> problem(ModelRef ref, ModelLoader loader) {
        String recorded;
        try {
            Path dir = SavedModels.path(ref.getUri());
            recorded = SavedModel.sha256(dir);
        } catch (RuntimeException e) {
            return Optional.of("its folder cannot be read: " + e.getMessage());
        }
        if (!recorded.equals(ref.getSha256())) {
            return Optional.of("the folder's SHA-256 " + recorded + " is not the published " + ref.getSha256());
        }
        try (MaskModel model = loader.load(ref)) {
            if (!model.version().equals(ref.getVersion())) {
                return Optional.of("the folder holds version " + model.version() + ", the update names "
                        + ref.getVersion());
            }
        } catch (Exception e) {
            return Optional.of("it does not load: " + e.getMessage());
        }
        return Optional.empty();
    }
}
