package org.maskstream.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One subtask's micro-batched inference, whatever Flink API fronts it (the DataStream job's async I/O operator,
 * {@link BatchedInference}, or an SQL {@code ML_PREDICT} function): {@link #submit} hands a request to the
 * subtask's {@link MicroBatcher}, whose thread owns the {@link ModelStore} (models are not thread-safe), gathers
 * up to {@code batchSize} requests or {@code maxWait}, and runs one {@link org.maskstream.model.MaskModel#predict}
 * per model version in the batch. Inference failures become {@code INFERENCE_FAILED} dead-letter outcomes, only
 * for the requests that fail on their own ({@link BatchOutcomes}); the future fails only when the batcher thread
 * died.
 *
 * <p>Registers the {@link StreamMetrics} of operator {@code inference} ({@code batchSize}, {@code results}, ...)
 * in the metric group it is given.
 */
public final class InferenceBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceBatcher.class);

    private record Pending(InferenceRequest request, CompletableFuture<InferenceOutcome> future) {
    }

    private final MicroBatcher<Pending> batcher;

    private InferenceBatcher(MicroBatcher<Pending> batcher) {
        this.batcher = batcher;
    }

    /**
     * Starts the batcher thread {@code name} and loads {@code initialModel} on it, failing when it cannot be loaded.
     *
     * @param maxDecodedBytes the most decoded image and mask bytes one batch may hold
     * @param operatorMetrics the operator's metric group; the metrics go into its {@value StreamMetrics#GROUP} group
     */
    public static InferenceBatcher start(String name, int batchSize, Duration maxWait, long maxDecodedBytes,
                                         int modelCacheSize, ModelRef initialModel, ModelLoader loader,
                                         MetricGroup operatorMetrics) throws Exception {
        ImageHeader.disableDiskCache();
        Runner runner = new Runner(StreamMetrics.group(operatorMetrics), initialModel, loader, modelCacheSize);
        // A batch holds every decoded image and mask of its requests at once: bounded by bytes as well as count.
        MicroBatcher<Pending> batcher = new MicroBatcher<>(name, batchSize, maxWait, runner,
                p -> p.request.getDecodedBytes(), maxDecodedBytes);
        batcher.start();
        return new InferenceBatcher(batcher);
    }

    /** Queues {@code request} for the next batch; a request without a model ref is served by the initial model. */
    public CompletableFuture<InferenceOutcome> submit(InferenceRequest request) {
        CompletableFuture<InferenceOutcome> future = new CompletableFuture<>();
        batcher.submit(new Pending(request, future));
        return future;
    }

    /** Stops after the running batch; requests still queued are dropped (the Flink operator replays them). */
    @Override
    public void close() throws InterruptedException {
        batcher.close();
    }

    /** Lives on the batcher thread. */
    private static final class Runner implements MicroBatcher.Runner<Pending> {
        private final ModelRef initialModel;
        private final ModelLoader loader;
        private final int modelCacheSize;
        private final Counter results;
        private final Histogram batchSizes;
        private final Histogram inferenceLatency;
        private final Histogram requestLatency;
        private final Counter loadRefusals;
        private final Counter fallbacks;
        /** Why each version that did not load on this subtask was refused, by {@link ModelStore#key}. */
        private final Map<String, String> refused = new HashMap<>();
        private ModelStore store;

        Runner(MetricGroup metrics, ModelRef initialModel, ModelLoader loader, int modelCacheSize) {
            this.initialModel = initialModel;
            this.loader = loader;
            this.modelCacheSize = modelCacheSize;
            results = metrics.counter(StreamMetrics.RESULTS);
            metrics.meter(StreamMetrics.RESULTS_PER_SECOND, new MeterView(results));
            batchSizes = metrics.histogram(StreamMetrics.BATCH_SIZE,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
            inferenceLatency = metrics.histogram(StreamMetrics.INFERENCE_LATENCY_MS,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
            requestLatency = metrics.histogram(StreamMetrics.REQUEST_LATENCY_MS,
                    new DescriptiveStatisticsHistogram(StreamMetrics.HISTOGRAM_SAMPLES));
            loadRefusals = metrics.counter(StreamMetrics.MODEL_LOAD_REFUSALS);
            fallbacks = metrics.counter(StreamMetrics.MODEL_FALLBACKS);
        }

        @Override
        public void start() throws Exception {
            store = new ModelStore(loader, modelCacheSize);
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
            Map<String, ModelRef> refs = new HashMap<>();
            for (Pending p : batch) {
                ModelRef ref = serving(p);
                refs.putIfAbsent(ModelStore.key(ref), ref);
                byModel.computeIfAbsent(ModelStore.key(ref), k -> new ArrayList<>()).add(p);
            }
            byModel.forEach((key, group) -> runOneModel(refs.get(key), group));
            // After a hot-swap the old version's last batch is done: free it rather than wait for eviction.
            store.retainOnly(byModel.keySet());
        }

        /**
         * The request's model when it loads here; else its fallback (the version before it), else the initial
         * model, which loaded when the subtask started. A verified version can still fail here (its folder deleted
         * or changed since, a mount missing on this TaskManager): refused once per subtask with the reason, so its
         * requests keep being answered rather than all becoming INFERENCE_FAILED; after a restart the subtask tries
         * it again.
         */
        private ModelRef serving(Pending p) {
            ModelRef wanted = p.request.getModel() == null ? initialModel : p.request.getModel();
            if (loads(wanted)) {
                return wanted;
            }
            for (ModelRef fallback : new ModelRef[] {p.request.getFallbackModel(), initialModel}) {
                if (fallback != null && loads(fallback)) {
                    fallbacks.inc();
                    return fallback;
                }
            }
            return wanted;
        }

        private boolean loads(ModelRef ref) {
            String key = ModelStore.key(ref);
            if (refused.containsKey(key)) {
                return false;
            }
            try {
                store.get(ref);
                return true;
            } catch (Exception e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                refused.put(key, reason);
                loadRefusals.inc();
                LOG.warn("model {} ({}) does not load on this subtask and is refused here: {}; its requests are served"
                        + " by the version before it", ref.getVersion(), ref.getUri(), reason, e);
                return false;
            }
        }

        private void runOneModel(ModelRef ref, List<Pending> group) {
            List<InferenceRequest> requests = group.stream().map(Pending::request).toList();
            long start = System.nanoTime();
            List<InferenceOutcome> outcomes;
            String refusal = refused.get(ModelStore.key(ref));
            if (refusal != null) {
                LOG.error("model {} and every fallback of a batch of {} do not load; it goes to the dead letters",
                        ref.getUri(), group.size());
                outcomes = BatchOutcomes.allFailed(ref, requests, new IllegalStateException(refusal));
            } else {
                try {
                    outcomes = BatchOutcomes.predict(store.get(ref), ref, requests, System::currentTimeMillis);
                } catch (Exception e) {
                    LOG.error("model {} cannot be loaded; a batch of {} goes to the dead letters", ref.getUri(),
                            group.size(), e);
                    outcomes = BatchOutcomes.allFailed(ref, requests, e);
                }
            }
            inferenceLatency.update((System.nanoTime() - start) / 1_000_000);
            for (int i = 0; i < group.size(); i++) {
                InferenceOutcome outcome = outcomes.get(i);
                if (outcome.getMaskResult() != null) {
                    results.inc();
                    requestLatency.update(outcome.getMaskResult().getLatencyMs());
                }
                group.get(i).future.complete(outcome);
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
