package org.maskstream.metrics;


import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Segmentation metrics kept as mergeable counts, so training, {@code eval} and the streaming job compute IoU the
 * same way: one {@link #of(boolean[], boolean[])} per example, {@link #merge(IouCounts)} to aggregate in any order.
 *
 * <p>Per example, with tp/fp/fn/tn the pixel counts of the prediction against the truth:
 * <ul>
 *   <li>foreground IoU = tp / (tp + fp + fn), 1.0 when both masks are empty;</li>
 *   <li>background IoU = tn / (tn + fp + fn), 1.0 when both masks are full;</li>
 *   <li>Dice = 2tp / (2tp + fp + fn), 1.0 when both masks are empty.</li>
 * </ul>
 * Aggregates: {@link #fgIou()} is the mean per-example foreground IoU (the headline), {@link #pixelIou()} the summed
 * intersection over the summed union, {@link #miou()} the mean over examples of (fg IoU + bg IoU) / 2 (a number that
 * background pixels inflate: the study's figures may be this one), {@link #dice()} the mean per-example Dice.
 *
 * <p>Immutable; the per-example sums are kept as doubles so merging is exact up to floating-point addition.
 */
public record IouCounts(long n, long tp, long fp, long fn, long tn, double sumFgIou, double sumBgIou, double sumDice)
        implements Serializable {

    public static final IouCounts EMPTY = new IouCounts(0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * The counts of one example from its predicted and true pixels (the same pixels in the same order; a mask's
     * {@code iouCounts} checks the sizes and says which is which).
     */
    public static IouCounts of(boolean[] p, boolean[] t) {
        if (p.length != t.length) {
            throw new IllegalArgumentException(p.length + " predicted pixels but " + t.length + " true ones");
        }
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] && t[i]) {
                tp++;
            } else if (p[i]) {
                fp++;
            } else if (t[i]) {
                fn++;
            }
        }
        return ofCounts(tp, fp, fn, p.length - tp - fp - fn);
    }

    /** The counts of one example from its pixel confusion counts. */
    public static IouCounts ofCounts(long tp, long fp, long fn, long tn) {
        double fg = ratio(tp, tp + fp + fn);
        double bg = ratio(tn, tn + fp + fn);
        double dice = ratio(2 * tp, 2 * tp + fp + fn);
        return new IouCounts(1, tp, fp, fn, tn, fg, bg, dice);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 1.0 : (double) num / den;
    }

    public IouCounts merge(IouCounts o) {
        return new IouCounts(n + o.n, tp + o.tp, fp + o.fp, fn + o.fn, tn + o.tn,
                sumFgIou + o.sumFgIou, sumBgIou + o.sumBgIou, sumDice + o.sumDice);
    }

    /** Mean per-example foreground IoU; NaN when no example was counted. */
    public double fgIou() {
        return n == 0 ? Double.NaN : sumFgIou / n;
    }

    /** Summed intersection over summed union; 1.0 when no pixel was foreground in either mask. */
    public double pixelIou() {
        return ratio(tp, tp + fp + fn);
    }

    public double miou() {
        return n == 0 ? Double.NaN : (sumFgIou + sumBgIou) / (2.0 * n);
    }

    public double dice() {
        return n == 0 ? Double.NaN : sumDice / n;
    }

    /**
     * The aggregates under the keys every JSON report uses ({@code eval --json}, baselines, experiments):
     * {@code n, fg_iou, pixel_iou, miou, dice}, in that order; a fresh mutable map callers may add to.
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("fg_iou", fgIou());
        m.put("pixel_iou", pixelIou());
        m.put("miou", miou());
        m.put("dice", dice());
        return m;
    }
}
