package org.maskstream.sql;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.types.Row;
import org.maskstream.avro.IouMetric;
import org.maskstream.stream.IouWindows;

/**
 * {@code MASK_IOU(tp, fp, fn, tn)}: the IoU of a group of labeled predictions from their pixel counts (an
 * {@code ML_PREDICT} output's {@code pixel_counts}), with the DataStream job's window arithmetic ({@link IouWindows},
 * {@code IouCounts}): {@code n}, mean per-row foreground IoU, pixel IoU and the p10/p50/p90 of the per-row IoUs,
 * the numbers of an {@code IouMetric}. Rows with a NULL count (unlabeled) are left out; a group with no labeled row
 * gives NULL.
 *
 * <pre>CREATE TEMPORARY FUNCTION MASK_IOU AS 'org.maskstream.sql.MaskIou';</pre>
 */
@FunctionHint(
        accumulator = @DataTypeHint(value = "RAW", bridgedTo = IouWindows.Accumulator.class),
        output = @DataTypeHint("ROW<n BIGINT, mean_fg_iou DOUBLE, pixel_iou DOUBLE, p10_fg_iou DOUBLE,"
                + " p50_fg_iou DOUBLE, p90_fg_iou DOUBLE>"))
public final class MaskIou extends AggregateFunction<Row, IouWindows.Accumulator> {
    private static final long serialVersionUID = 1L;
    private static final IouWindows.Aggregate MERGE = new IouWindows.Aggregate();

    @Override
    public IouWindows.Accumulator createAccumulator() {
        return new IouWindows.Accumulator();
    }

    public void accumulate(IouWindows.Accumulator acc, Long tp, Long fp, Long fn, Long tn) {
        if (tp != null && fp != null && fn != null && tn != null) {
            IouWindows.add(acc, tp, fp, fn, tn);
        }
    }

    public void merge(IouWindows.Accumulator acc, Iterable<IouWindows.Accumulator> others) {
        for (IouWindows.Accumulator other : others) {
            IouWindows.Accumulator merged = MERGE.merge(acc, other);
            acc.counts = merged.counts;
            acc.fgIous = merged.fgIous;
        }
    }

    @Override
    public Row getValue(IouWindows.Accumulator acc) {
        if (acc.counts.n() == 0) {
            return null;
        }
        // the window bounds and version are the query's own columns: only the numbers are taken
        IouMetric m = IouWindows.toMetric("", 0, 0, acc);
        return Row.of(m.getCount(), m.getMeanFgIou(), m.getPixelIou(), m.getP10FgIou(), m.getP50FgIou(),
                m.getP90FgIou());
    }
}
