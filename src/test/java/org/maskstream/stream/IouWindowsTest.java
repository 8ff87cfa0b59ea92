package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.PixelCounts;
import org.maskstream.metrics.IouCounts;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IouWindowsTest {

    private static MaskResult labeled(long tp, long fp, long fn, long tn) {
        return MaskResult.newBuilder().setId("x").setEventTime(Instant.EPOCH).setModelVersion("v")
                .setMask(ByteBuffer.allocate(0)).setWidth(1).setHeight(1).setCoverage(0).setMeanConfidence(0)
                .setLatencyMs(0).setAttributes(Map.of())
                .setPixelCounts(new PixelCounts(tp, fp, fn, tn)).build();
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] v = {0.0, 0.25, 0.5, 1.0};
        assertEquals(0.0, IouWindows.percentile(v, 0.0));
        assertEquals(0.375, IouWindows.percentile(v, 0.5), 1e-12);
        assertEquals(1.0, IouWindows.percentile(v, 1.0));
        assertEquals(0.7, IouWindows.percentile(new double[]{0.7}, 0.9));
        assertEquals(Double.NaN, IouWindows.percentile(new double[0], 0.5));
    }

    @Test
    void aggregatesAsIouCountsDoesInAnyMergeOrder() {
        IouWindows.Aggregate agg = new IouWindows.Aggregate();
        IouWindows.Accumulator a = agg.add(labeled(5, 5, 0, 90), agg.createAccumulator());   // fg IoU 0.5
        IouWindows.Accumulator b = agg.add(labeled(0, 0, 0, 100), agg.createAccumulator());  // both empty: 1.0
        b = agg.add(labeled(0, 4, 4, 92), b);                                                // 0.0
        IouMetric m = IouWindows.toMetric("v", 0, 10, agg.merge(a, b));

        IouCounts expected = IouCounts.ofCounts(5, 5, 0, 90).merge(IouCounts.ofCounts(0, 0, 0, 100))
                .merge(IouCounts.ofCounts(0, 4, 4, 92));
        assertEquals(3, m.getCount());
        assertEquals(expected.fgIou(), m.getMeanFgIou(), 1e-12);
        assertEquals(5.0 / 18.0, m.getPixelIou(), 1e-12);
        assertEquals(0.1, m.getP10FgIou(), 1e-12);
        assertEquals(0.5, m.getP50FgIou(), 1e-12);
        assertEquals(0.9, m.getP90FgIou(), 1e-12);
    }
}
