package org.maskstream.sql;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.maskstream.stream.StreamMetrics;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A MiniCluster metric reporter that keeps every maskstream {@code batchSize} histogram and {@code deadLetters}
 * counter by job name, so a test can read them after its job has finished.
 */
public final class RecordingReporter implements MetricReporter, MetricReporterFactory {
    private static final Map<String, List<Histogram>> BATCH_SIZES = new ConcurrentHashMap<>();
    private static final Map<String, List<Map.Entry<String, Counter>>> DEAD_LETTERS = new ConcurrentHashMap<>();

    /** The MiniCluster settings that install this reporter. */
    static Configuration install(Configuration conf) {
        conf.setString("metrics.reporter.recording.factory.class", RecordingReporter.class.getName());
        return conf;
    }

    static List<Histogram> batchSizes(String job) {
        return BATCH_SIZES.getOrDefault(job, List.of());
    }

    /** Dead-letter counts of {@code job} by kind, summed over operators and subtasks; kinds never seen are left out. */
    static Map<String, Long> deadLetters(String job) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        for (Map.Entry<String, Counter> c : DEAD_LETTERS.getOrDefault(job, List.of())) {
            if (c.getValue().getCount() > 0) {
                byKind.merge(c.getKey(), c.getValue().getCount(), Long::sum);
            }
        }
        return byKind;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        Map<String, String> variables = group.getAllVariables();
        String job = variables.get("<job_name>");
        if (job == null) {
            return;
        }
        if (name.equals(StreamMetrics.BATCH_SIZE) && metric instanceof Histogram h) {
            BATCH_SIZES.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(h);
        } else if (name.equals(StreamMetrics.DEAD_LETTERS) && metric instanceof Counter c) {
            DEAD_LETTERS.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>())
                    .add(Map.entry(variables.get("<" + StreamMetrics.KIND_LABEL + ">"), c));
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the test reads them after the job
    }
}
