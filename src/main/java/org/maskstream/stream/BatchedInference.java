package org.maskstream.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Micro-batched inference behind Flink's async I/O operator. {@link #asyncInvoke} only hands the request to this
 * subtask's {@link MicroBatcher}; the batcher thread owns the {@link ModelStore} (models are not thread-safe),
 * gathers up to {@code batch.size} requests or {@code batch.wait-ms}, and runs one {@link MaskModel#predict} per
 * model version in the batch. Requests waiting in the batcher are in-flight elements of the async operator, which
 * snapshots them at each checkpoint and replays them after a restore, so none is lost.
 *
 * <p>Each request already names its model ({@link InferenceRequest#getModel()}, set by {@link TagModelVersion});
 * the result names the version the loaded model reports. Inference failures become {@code INFERENCE_FAILED} dead
 * letters rather than failing the job, and only for the requests that fail on their own ({@link BatchOutcomes}).
 */
public class BatchedInference extends RichAsyncFunction<InferenceRequest, InferenceOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchedInference.class);

    private record Pending(InferenceRequest request, ResultFuture<InferenceOutcome> future) {
    }

    private final StreamConfig config;
    private final ModelRef initialModel;
    private final ModelLoader loader;
    private transient MicroBatcher<Pending> batcher;

    public BatchedInference(StreamConfig config, ModelRef initialModel, ModelLoader loader) {
        this.config = config;
        this.initialModel = initialModel;
        this.loader = loader;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ImageHeader.disableDiskCache();
        MetricGroup metrics = StreamMetrics.group(getRuntimeContext().getMetricGroup());
        String name = "inference-batcher-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        // A batch holds every decoded image and mask of its requests at once: bounded by bytes as well as count.
        batcher = new MicroBatcher<>(name, config.batchSize(), config.batchWait(), new Runner(metrics),
                p -> p.request.getDecodedBytes(), config.batchMaxDecodedBytes());
        batcher.start();
    }

    @Override
    public void asyncInvoke(InferenceRequest input, ResultFuture<InferenceOutcome> resultFuture) {
        batcher.submit(new Pending(input, resultFuture));
    }

    @Override
    public void close() throws Exception {
        if (batcher != null) {
            batcher.close();
        }
    }

    /** Lives on the batcher thread. */
    private final class Runner implements MicroBatcher.Runner<Pending> {
        private final Counter results;
        private final Histogram batchSizes;
        private final Histogram inferenceLatency;
        private final Histogram requestLatency;
        private ModelStore store;

        Runner(MetricGroup metrics) {
            results = metrics.counter(StreamMetrics.RESULTS);
            metrics.meter(StreamMetrics.RESULTS_PER_SECOND, new MeterView(results));
            batchSizes = metrics.histogram(StreamMetrics.BATCH_SIZE,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
            inferenceLatency = metrics.histogram(StreamMetrics.INFERENCE_LATENCY_MS,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
            requestLatency = metrics.histogram(StreamMetrics.REQUEST_LATENCY_MS,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
        }

        @Override
        public void start() throws Exception {
            store = new ModelStore(loader, config.modelCacheSize());
            try {
                store.get(initialModel);
            } catch (Exception e) {
                store.close();
                throw new IllegalStateException("the initial model " + initialModel.getUri() + " cannot be loaded: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void run(List<Pending> batch) {
            batchSizes.update(batch.size());
            Map<String, List<Pending>> byModel = new LinkedHashMap<>();
            for (Pending p : batch) {
                ModelRef ref = p.request.getModel();
                byModel.computeIfAbsent(ModelStore.key(ref), k -> new ArrayList<>()).add(p);
            }
            byModel.values().forEach(this::runOneModel);
            // After a hot-swap the old version's last batch is done: free it rather than wait for eviction.
            store.retainOnly(byModel.keySet());
        }

        private void runOneModel(List<Pending> group) {
            ModelRef ref = group.get(0).request.getModel();
            List<InferenceRequest> requests = group.stream().map(Pending::request).toList();
            long start = System.nanoTime();
            List<InferenceOutcome> outcomes;
            try {
                outcomes = BatchOutcomes.predict(store.get(ref), ref, requests, System::currentTimeMillis);
            } catch (Exception e) {
                LOG.error("model {} cannot be loaded; a batch of {} goes to the dead letters", ref.getUri(),
                        group.size(), e);
                outcomes = BatchOutcomes.allFailed(ref, requests, e);
            }
            inferenceLatency.update((System.nanoTime() - start) / 1_000_000);
            for (int i = 0; i < group.size(); i++) {
                InferenceOutcome outcome = outcomes.get(i);
                if (outcome.getMaskResult() != null) {
                    results.inc();
                    requestLatency.update(outcome.getMaskResult().getLatencyMs());
                }
                group.get(i).future.complete(List.of(outcome));
            }
        }

        @Override
        public void stop() {
            if (store != null) {
                store.close();
            }
        }

        @Override
        public void abandon(List<Pending> items, Throwable cause) {
            IllegalStateException failure = new IllegalStateException(
                    "the inference thread died (" + cause + "); the job restarts from its last checkpoint", cause);
            items.forEach(p -> p.future.completeExceptionally(failure));
        }
    }
}
