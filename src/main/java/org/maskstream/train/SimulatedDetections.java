package org.maskstream.train;

import org.maskstream.data.Mask;
import org.maskstream.grounding.Box;
import org.maskstream.grounding.DetectorPrior;
import org.maskstream.grounding.Detection;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The prior a detector might give for a synthetic scene, made from the target mask: its bounding box with jittered
 * edges and a random score, sometimes missed, sometimes beside a false positive of about the same size elsewhere.
 * Synthetic shapes are no COCO class, so a grounded network learns from these what a real detector's prior tells it
 * and how far to trust it: a box is not a silhouette, a box may be wrong, and no box means looking for itself.
 */
final class SimulatedDetections {
    /** Chance that the target is not detected at all. */
    static final double MISS = 0.2;
    /** Chance of one more box elsewhere (a wrong class or a wrong instance). */
    static final double FALSE_POSITIVE = 0.3;
    /** Each edge moves by up to this fraction of the box's side. */
    static final double JITTER = 0.15;

    private SimulatedDetections() {
    }

    /**
     * @param truth the example's target mask, any size
     * @param size  side of the prior map
     * @return {@code size * size} scores in [0, 1], row-major (all 0 for a miss, or for an empty target)
     */
    static float[] prior(Mask truth, int size, Random random) {
        boolean[] px = truth.resize(size, size).pixels();
        int x0 = size;
        int y0 = size;
        int x1 = -1;
        int y1 = -1;
        for (int i = 0; i < px.length; i++) {
            if (px[i]) {
                x0 = Math.min(x0, i % size);
                x1 = Math.max(x1, i % size);
                y0 = Math.min(y0, i / size);
                y1 = Math.max(y1, i / size);
            }
        }
        List<Detection> boxes = new ArrayList<>();
        if (x1 >= 0) {
            double w = x1 + 1 - x0;
            double h = y1 + 1 - y0;
            if (random.nextDouble() >= MISS) {
                boxes.add(box(x0 + jitter(w, random), y0 + jitter(h, random), x1 + 1 + jitter(w, random),
                        y1 + 1 + jitter(h, random), 0.3 + 0.7 * random.nextDouble()));
            }
            if (random.nextDouble() < FALSE_POSITIVE) {
                double fw = Math.min(size, w * (0.5 + random.nextDouble()));
                double fh = Math.min(size, h * (0.5 + random.nextDouble()));
                double fx = random.nextDouble() * (size - fw);
                double fy = random.nextDouble() * (size - fh);
                boxes.add(box(fx, fy, fx + fw, fy + fh, 0.1 + 0.6 * random.nextDouble()));
            }
        }
        return DetectorPrior.map(size, size, boxes);
    }

    private static double jitter(double side, Random random) {
        return (random.nextDouble() * 2 - 1) * JITTER * side;
    }

    /** A box from possibly crossed or out-of-grid jittered edges; the map clips it to the grid. */
    private static Detection box(double xa, double ya, double xb, double yb, double score) {
        return new Detection(0, (float) score, new Box(Math.min(xa, xb), Math.min(ya, yb), Math.max(xa, xb),
                Math.max(ya, yb)));
    }
}
