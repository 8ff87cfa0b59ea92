package org.maskstream.stream;

import org.maskstream.events.AvroTypes;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tags each request with the model that must serve it: the latest {@link ModelRef} of the model-updates
 * broadcast stream, or the configured initial model until one arrives; and with the ref that served before it
 * ({@code fallbackModel}: the previous update, else the initial model), which serves the request where its model
 * fails to load on a TaskManager. Both refs live in broadcast state, so after a restore from a checkpoint the job
 * serves the version it served before, with the same fallback.
 *
 * <p>The hot-swap seam: a new ref arriving here switches every request processed after it; the inference
 * operator loads the new version by ref on its first request.
 */
public class TagModelVersion extends BroadcastProcessFunction<InferenceRequest, ModelRef, InferenceRequest> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TagModelVersion.class);
    private static final String CURRENT = "current";
    private static final String PREVIOUS = "previous";

    /** Broadcast state: the serving ref under {@value #CURRENT}, the one before it under {@value #PREVIOUS}. */
    public static final MapStateDescriptor<String, ModelRef> STATE = new MapStateDescriptor<>("serving-model",
            BasicTypeInfo.STRING_TYPE_INFO, AvroTypes.of(ModelRef.class));

    private final ModelRef initialModel;

    public TagModelVersion(ModelRef initialModel) {
        this.initialModel = initialModel;
    }

    @Override
    public void processElement(InferenceRequest request, ReadOnlyContext ctx, Collector<InferenceRequest> out)
            throws Exception {
        ModelRef current = ctx.getBroadcastState(STATE).get(CURRENT);
        ModelRef previous = ctx.getBroadcastState(STATE).get(PREVIOUS);
        request.setModel(current == null ? initialModel : current);
        request.setFallbackModel(current == null ? null : previous == null ? initialModel : previous);
        out.collect(request);
    }

    @Override
    public void processBroadcastElement(ModelRef update, Context ctx, Collector<InferenceRequest> out) throws Exception {
        BroadcastState<String, ModelRef> state = ctx.getBroadcastState(STATE);
        ModelRef current = state.get(CURRENT);
        if (update.equals(current)) {
            // the retrainer publishes an update again when it cannot tell whether the broker had it
            return;
        }
        LOG.info("serving model {} ({}) from now on", update.getVersion(), update.getUri());
        if (current != null) {
            state.put(PREVIOUS, current);
        }
        state.put(CURRENT, update);
    }
}
