package org.maskstream.stream;

import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.PixelCounts;
import org.maskstream.metrics.IouCounts;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The pieces of the IoU windows: per model version and event-time window, the labeled results' pixel counts are
 * merged with {@link IouCounts} (so the stream aggregates exactly as {@code eval} does) and their per-event
 * foreground IoUs kept for percentiles.
 */
public final class IouWindows {
    private IouWindows() {
    }

    /** Window accumulator: a Flink POJO. */
    public static class Accumulator {
        /** The window's labeled results merged. */
        public IouCounts counts = IouCounts.EMPTY;
        /** Their per-event foreground IoUs, for the percentiles. */
        public double[] fgIous = new double[0];

        public Accumulator() {
        }
    }

    /** Merges labeled results' {@link PixelCounts}. */
    public static class Aggregate implements AggregateFunction<MaskResult, Accumulator, Accumulator> {
        private static final long serialVersionUID = 1L;

        @Override
        public Accumulator createAccumulator() {
            return new Accumulator();
        }

        @Override
        public Accumulator add(MaskResult result, Accumulator acc) {
            PixelCounts c = result.getPixelCounts();
            return IouWindows.add(acc, c.getTp(), c.getFp(), c.getFn(), c.getTn());
        }

        @Override
        public Accumulator getResult(Accumulator acc) {
            return acc;
        }

        @Override
        public Accumulator merge(Accumulator a, Accumulator b) {
            Accumulator m = new Accumulator();
            m.counts = a.counts.merge(b.counts);
            m.fgIous = new double[a.fgIous.length + b.fgIous.length];
            System.arraycopy(a.fgIous, 0, m.fgIous, 0, a.fgIous.length);
            System.arraycopy(b.fgIous, 0, m.fgIous, a.fgIous.length, b.fgIous.length);
            return m;
        }
    }

    /** Emits one {@link IouMetric} per window and model version, and updates the per-version gauges. */
    public static class Emit extends ProcessWindowFunction<Accumulator, IouMetric, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        private transient Map<String, IouMetric> lastByVersion;
        private transient MetricGroup metrics;

        @Override
        public void open(OpenContext openContext) {
            lastByVersion = new HashMap<>();
            metrics = StreamMetrics.group(getRuntimeContext().getMetricGroup());
        }

        @Override
        public void process(String modelVersion, Context ctx, Iterable<Accumulator> elements, Collector<IouMetric> out) {
            Accumulator acc = elements.iterator().next();
            IouMetric metric = toMetric(modelVersion, ctx.window().getStart(), ctx.window().getEnd(), acc);
            if (lastByVersion.put(modelVersion, metric) == null) {
                MetricGroup version = metrics.addGroup(StreamMetrics.MODEL_VERSION_LABEL, modelVersion);
                version.gauge(StreamMetrics.WINDOW_FG_IOU, () -> lastByVersion.get(modelVersion).getMeanFgIou());
                version.gauge(StreamMetrics.WINDOW_COUNT, () -> lastByVersion.get(modelVersion).getCount());
            }
            out.collect(metric);
        }
    }

    /** Adds one labeled result's pixel counts to {@code acc} (also SQL's {@code MASK_IOU}). */
    public static Accumulator add(Accumulator acc, long tp, long fp, long fn, long tn) {
        IouCounts one = IouCounts.ofCounts(tp, fp, fn, tn);
        acc.counts = acc.counts.merge(one);
        acc.fgIous = Arrays.copyOf(acc.fgIous, acc.fgIous.length + 1);
        acc.fgIous[acc.fgIous.length - 1] = one.fgIou();
        return acc;
    }

    /** The window's metric (also SQL's {@code MASK_IOU}, which passes its own window bounds). */
    public static IouMetric toMetric(String modelVersion, long start, long end, Accumulator acc) {
        double[] sorted = acc.fgIous.clone();
        Arrays.sort(sorted);
        return IouMetric.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(end))
                .setModelVersion(modelVersion)
                .setCount(acc.counts.n())
                .setMeanFgIou(acc.counts.fgIou())
                .setPixelIou(acc.counts.pixelIou())
                .setP10FgIou(percentile(sorted, 0.10))
                .setP50FgIou(percentile(sorted, 0.50))
                .setP90FgIou(percentile(sorted, 0.90))
                .build();
    }

    /** Linear interpolation between the closest ranks of an ascending array (NaN when empty). */
    static double percentile(double[] ascending, double q) {
        if (ascending.length == 0) {
            return Double.NaN;
        }
        double rank = q * (ascending.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return ascending[lo] + (rank - lo) * (ascending[hi] - ascending[lo]);
    }
}
