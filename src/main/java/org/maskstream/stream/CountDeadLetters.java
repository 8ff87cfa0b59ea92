package org.maskstream.stream;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;

import java.util.EnumMap;

/**
 * Counts dead letters per kind (metric {@link StreamMetrics#DEAD_LETTERS}) on their way to the sink, and cuts any
 * that would exceed the record limit ({@link OutputLimits#fit}): every dead letter of the job passes here, so none
 * can make the sink fail.
 */
public class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final OutputLimits limits;

    private transient EnumMap<DeadLetterKind, Counter> counters;

    public CountDeadLetters(OutputLimits limits) {
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = counters(getRuntimeContext().getMetricGroup());
    }

    /** One {@link StreamMetrics#DEAD_LETTERS} counter per kind in {@code operatorGroup}'s maskstream group. */
    public static EnumMap<DeadLetterKind, Counter> counters(MetricGroup operatorGroup) {
        MetricGroup group = StreamMetrics.group(operatorGroup);
        EnumMap<DeadLetterKind, Counter> counters = new EnumMap<>(DeadLetterKind.class);
        // Registered up front so dashboards show a zero rather than no series.
        for (DeadLetterKind kind : DeadLetterKind.values()) {
            counters.put(kind, group.addGroup(StreamMetrics.KIND_LABEL, kind.name()).counter(StreamMetrics.DEAD_LETTERS));
        }
        return counters;
    }

    @Override
    public DeadLetter map(DeadLetter deadLetter) {
        counters.get(deadLetter.getKind()).inc();
        return limits.fit(deadLetter);
    }
}
