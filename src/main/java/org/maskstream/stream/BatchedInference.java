package org.maskstream.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;

import java.util.List;

/**
 * Micro-batched inference behind Flink's async I/O operator: {@link #asyncInvoke} only hands the request to this
 * subtask's {@link InferenceBatcher}, which batches up to {@code batch.size} requests or {@code batch.wait-ms}.
 * Requests waiting in the batcher are in-flight elements of the async operator, which snapshots them at each
 * checkpoint and replays them after a restore, so none is lost.
 *
 * <p>Each request already names its model ({@link InferenceRequest#getModel()}, set by {@link TagModelVersion});
 * the result names the version the loaded model reports. Inference failures become {@code INFERENCE_FAILED} dead
 * letters rather than failing the job, and only for the requests that fail on their own ({@link BatchOutcomes}).
 */
public class BatchedInference extends RichAsyncFunction<InferenceRequest, InferenceOutcome> {
    private static final long serialVersionUID = 1L;

    private final StreamConfig config;
    private final ModelRef initialModel;
    private final ModelLoader loader;
    private transient InferenceBatcher batcher;

    public BatchedInference(StreamConfig config, ModelRef initialModel, ModelLoader loader) {
        this.config = config;
        this.initialModel = initialModel;
        this.loader = loader;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        String name = "inference-batcher-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        batcher = InferenceBatcher.start(name, config.batchSize(), config.batchWait(), config.batchMaxDecodedBytes(),
                config.modelCacheSize(), initialModel, loader, getRuntimeContext().getMetricGroup());
    }

    @Override
    public void asyncInvoke(InferenceRequest input, ResultFuture<InferenceOutcome> resultFuture) {
        batcher.submit(input).whenComplete((outcome, failure) -> {
            if (failure == null) {
                resultFuture.complete(List.of(outcome));
            } else {
                resultFuture.completeExceptionally(failure);
            }
        });
    }

    @Override
    public void close() throws Exception {
        if (batcher != null) {
            batcher.close();
        }
    }
}
