package org.maskstream.events;

import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One readable line per event, for {@code tail}. */
public final class RecordLines {
    private RecordLines() {
    }

    public static String of(MaskResult r) {
        String box = r.getBoundingBox() == null ? "none" : String.format(Locale.ROOT, "%d,%d,%dx%d",
                r.getBoundingBox().getX(), r.getBoundingBox().getY(), r.getBoundingBox().getWidth(),
                r.getBoundingBox().getHeight());
        return String.format(Locale.ROOT, "%s id=%s model=%s size=%dx%d box=%s coverage=%.3f confidence=%.3f iou=%s latency=%dms",
                r.getEventTime(), r.getId(), r.getModelVersion(), r.getWidth(), r.getHeight(), box, r.getCoverage(),
                r.getMeanConfidence(), r.getIou() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.getIou()),
                r.getLatencyMs());
    }

    public static String of(IouMetric m) {
        return String.format(Locale.ROOT, "window=[%s, %s) model=%s count=%d fgIou=%.4f pixelIou=%.4f p10/p50/p90=%.3f/%.3f/%.3f",
                m.getWindowStart(), m.getWindowEnd(), m.getModelVersion(), m.getCount(), m.getMeanFgIou(),
                m.getPixelIou(), m.getP10FgIou(), m.getP50FgIou(), m.getP90FgIou());
    }

    public static String of(DeadLetter d) {
        return String.format(Locale.ROOT, "%s kind=%s from=%s/%d@%d key=%s bytes=%d reason=%s", d.getTime(), d.getKind(),
                d.getTopic(), d.getPartition(), d.getOffset(),
                d.getKey() == null ? "-" : new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8),
                d.getValue() == null ? 0 : d.getValue().remaining(), d.getReason());
    }

    public static String of(EditRequest r) {
        return String.format(Locale.ROOT, "%s id=%s image=%d bytes labeled=%s instruction=\"%s\"", r.getEventTime(),
                r.getId(), r.getImage().remaining(), r.getGroundTruthMask() != null ? "yes" : "no", r.getInstruction());
    }
}
