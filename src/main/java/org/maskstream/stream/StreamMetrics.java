package org.maskstream.stream;

import org.apache.flink.metrics.MetricGroup;

import java.util.List;

/**
 * The names of every metric the streaming job registers, in one place for dashboards and their tests.
 *
 * <p>All live in the user group {@value #GROUP} of their operator's metric group. Labels are key/value groups
 * (Prometheus turns them into labels): {@value #MODEL_VERSION_LABEL} on the IoU gauges, {@value #KIND_LABEL} on the
 * dead-letter counters. With Flink's default scope format, Prometheus names read e.g.
 * {@code flink_taskmanager_job_task_operator_maskstream_resultsPerSecond}.
 */
public final class StreamMetrics {
    /** User group all maskstream metrics live in. */
    public static final String GROUP = "maskstream";

    /** Meter: results leaving inference per second (throughput), operator {@code inference}. */
    public static final String RESULTS_PER_SECOND = "resultsPerSecond";
    /** Counter: results leaving inference, operator {@code inference}. */
    public static final String RESULTS = "results";
    /** Histogram: requests per forward pass, operator {@code inference}. */
    public static final String BATCH_SIZE = "batchSize";
    /** Histogram: milliseconds of one batched forward pass and post-processing, operator {@code inference}. */
    public static final String INFERENCE_LATENCY_MS = "inferenceLatencyMs";
    /** Histogram: milliseconds from decoding a request to its result, operator {@code inference}. */
    public static final String REQUEST_LATENCY_MS = "requestLatencyMs";
    /** Gauge: mean foreground IoU of the last closed window, per model version, operator {@code iou-windows}. */
    public static final String WINDOW_FG_IOU = "windowFgIou";
    /** Gauge: labeled results in the last closed window, per model version, operator {@code iou-windows}. */
    public static final String WINDOW_COUNT = "windowCount";
    /**
     * Counter: model versions an inference subtask refused because they did not load there (folder gone or changed
     * since it was verified), operator {@code inference}.
     */
    public static final String MODEL_LOAD_REFUSALS = "modelLoadRefusals";
    /** Counter: requests served by their fallback model because theirs did not load, operator {@code inference}. */
    public static final String MODEL_FALLBACKS = "modelFallbacks";
    /** Counter: dead letters, per kind, operator {@code count-dead-letters}. */
    public static final String DEAD_LETTERS = "deadLetters";

    /** Label of the IoU gauges. */
    public static final String MODEL_VERSION_LABEL = "model_version";
    /** Label of the dead-letter counters. */
    public static final String KIND_LABEL = "kind";

    /** Every metric name above. */
    public static final List<String> ALL = List.of(RESULTS_PER_SECOND, RESULTS, BATCH_SIZE, INFERENCE_LATENCY_MS,
            REQUEST_LATENCY_MS, WINDOW_FG_IOU, WINDOW_COUNT, DEAD_LETTERS);

    /** Histogram window: the last this many samples. */
    static final int HISTOGRAM_SAMPLES = 1000;

    private StreamMetrics() {
    }

    static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup(GROUP);
    }
}
