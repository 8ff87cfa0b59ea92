package org.maskstream.grounding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Greedy per-class non-maximum suppression. */
public final class Nms {
    private Nms() {
    }

    /**
     * Per class, keeps the highest-scoring box and drops every box of that class whose IoU with a kept one exceeds
     * {@code iouThreshold}; then the {@code maxDetections} best of all classes, by score, highest first.
     */
    public static List<Detection> suppress(List<Detection> candidates, double iouThreshold, int maxDetections) {
        List<Detection> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            if (kept.size() == maxDetections) {
                break;
            }
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.classId() == d.classId() && k.box().iou(d.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
            }
        }
        return kept;
    }
}
