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
 * broadcast stream, or the configured initial model until one arrives. The current ref lives in broadcast state,
 * so after a restore from a checkpoint the job serves the version it served before.
 *
 * <p>The hot-swap seam: a new ref arriving here switches every request processed after it; the inference
 * operator loads the new version by ref on its first request.
 */
public class TagModelVersion extends BroadcastProcessFunction<InferenceRequest, ModelRef, InferenceRequest> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TagModelVersion.class);
    private static final String CURRENT = "current";

    /** Broadcast state: the ref under {@value #CURRENT}. */
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
        request.setModel(current == null ? initialModel : current);
        out.collect(request);
    }

    @Override
    public void processBroadcastElement(ModelRef update, Context ctx, Collector<InferenceRequest> out) throws Exception {
        BroadcastState<String, ModelRef> state = ctx.getBroadcastState(STATE);
        LOG.info("serving model {} ({}) from now on", update.getVersion(), update.getUri());
        state.put(CURRENT, update);
    }
}
