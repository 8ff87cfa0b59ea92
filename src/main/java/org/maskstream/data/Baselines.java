package org.maskstream.data;

import org.maskstream.metrics.IouCounts;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The trivial mask predictors a model must beat, scored with {@link IouCounts} like every model:
 * <ul>
 *   <li>{@code empty}: no pixel;</li>
 *   <li>{@code full}: every pixel;</li>
 *   <li>{@code centred-box}: a box centred in the image with the image's aspect ratio, covering the mean mask area
 *       fraction of the reference set ({@code sqrt(a) W x sqrt(a) H}, rounded);</li>
 *   <li>{@code mean-mask}: the per-pixel mean of the reference set's masks, each resized (nearest neighbour) to
 *       {@value #GRID}x{@value #GRID}, thresholded at 0.5 (pixels with mean >= 0.5), resized to each image.</li>
 * </ul>
 * The reference set is the training set when there is one; otherwise the scored data itself, which makes the last
 * two in-sample (optimistic) estimates.
 */
public final class Baselines {
    /** The common size at which reference masks are averaged. */
    public static final int GRID = 64;

    /** Accumulates the statistics of the reference set's masks. */
    public static final class Reference {
        private final double[] maskSum = new double[GRID * GRID];
        private double areaSum;
        private int count;

        public void add(Mask mask) {
            areaSum += (double) mask.area() / (mask.width() * mask.height());
            boolean[] px = mask.resize(GRID, GRID).pixels();
            for (int i = 0; i < px.length; i++) {
                maskSum[i] += px[i] ? 1 : 0;
            }
            count++;
        }

        /** A consumer for {@link DatasetReader#forEach} that adds each labeled example's mask. */
        public Consumer<Example> adder() {
            return e -> {
                if (e.labeled()) {
                    add(e.mask());
                }
            };
        }

        public int count() {
            return count;
        }

        /** Mean fraction of the image the masks cover. */
        public double meanArea() {
            return areaSum / count;
        }

        /** The thresholded mean mask at {@value #GRID}x{@value #GRID}. */
        public Mask meanMask() {
            float[] mean = new float[maskSum.length];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (float) (maskSum[i] / count);
            }
            return Mask.fromProbabilities(GRID, GRID, mean, 0.5f);
        }
    }

    /** One baseline's prediction for an image of a given size. */
    private interface Predictor {
        Mask predict(int width, int height);
    }

    private final Map<String, Predictor> predictors = new LinkedHashMap<>();
    private final Map<String, IouCounts> counts = new LinkedHashMap<>();

    /** @param reference the statistics the box and mean-mask baselines use; must hold at least one mask */
    public Baselines(Reference reference) {
        if (reference.count() == 0) {
            throw new IllegalArgumentException("the reference set has no labeled example");
        }
        double side = Math.sqrt(reference.meanArea());
        Mask mean = reference.meanMask();
        predictors.put("empty", Mask::empty);
        predictors.put("full", Baselines::full);
        predictors.put("centred-box", (w, h) -> centredBox(w, h, side));
        predictors.put("mean-mask", mean::resize);
        predictors.keySet().forEach(name -> counts.put(name, IouCounts.EMPTY));
    }

    /** Scores every baseline on one example; unlabeled examples are ignored. */
    public void score(Example example) {
        if (!example.labeled()) {
            return;
        }
        int w = example.image().getWidth();
        int h = example.image().getHeight();
        predictors.forEach((name, p) -> counts.merge(name, p.predict(w, h).iouCounts(example.mask()),
                IouCounts::merge));
    }

    /** Baseline name to its metrics so far, in the order of the class comment. */
    public Map<String, IouCounts> results() {
        return new LinkedHashMap<>(counts);
    }

    static Mask full(int w, int h) {
        boolean[] px = new boolean[w * h];
        Arrays.fill(px, true);
        return new Mask(w, h, px);
    }

    /** A box centred in a {@code w x h} image whose sides are {@code side} times the image's, rounded. */
    static Mask centredBox(int w, int h, double side) {
        int bw = (int) Math.round(side * w);
        int bh = (int) Math.round(side * h);
        int x0 = (w - bw) / 2;
        int y0 = (h - bh) / 2;
        boolean[] px = new boolean[w * h];
        for (int y = y0; y < y0 + bh; y++) {
            for (int x = x0; x < x0 + bw; x++) {
                px[y * w + x] = true;
            }
        }
        return new Mask(w, h, px);
    }
}
