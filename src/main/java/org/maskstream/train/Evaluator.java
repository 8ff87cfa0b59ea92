package org.maskstream.train;

import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.ProbabilityMap;
import org.maskstream.util.ProgressBar;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a model on labeled examples: each prediction is brought to its image's original size (bilinear, then the
 * model's threshold) and compared with the example's mask through {@link IouCounts}.
 */
public final class Evaluator {
    public static final int BATCH = 32;

    private Evaluator() {
    }

    /** Told of each prediction as it is scored. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param predicted the predicted mask at the example's original size
         * @param counts    the example's own counts, as merged into the total
         */
        void predicted(Example example, Mask predicted, IouCounts counts);
    }

    public static IouCounts evaluate(MaskModel model, List<Example> examples) {
        return evaluate(model, examples, (example, mask, counts) -> { }, null);
    }

    /**
     * @param onPrediction told of each example, its predicted mask and its counts
     * @param progress     where a progress bar goes; {@code null} for none
     */
    public static IouCounts evaluate(MaskModel model, List<Example> examples, Listener onPrediction,
                                     PrintStream progress) {
        for (Example e : examples) {
            if (!e.labeled()) {
                throw new IllegalArgumentException("example " + e.id() + " has no mask: evaluation needs labeled"
                        + " examples");
            }
        }
        IouCounts counts = IouCounts.EMPTY;
        try (ProgressBar bar = progress == null ? null : new ProgressBar(progress, "eval", examples.size())) {
            for (int start = 0; start < examples.size(); start += BATCH) {
                List<Example> batch = examples.subList(start, Math.min(examples.size(), start + BATCH));
                List<Mask> masks = predictMasks(model, batch);
                for (int i = 0; i < batch.size(); i++) {
                    Example e = batch.get(i);
                    Mask predicted = masks.get(i);
                    IouCounts one = predicted.iouCounts(e.mask());
                    onPrediction.predicted(e, predicted, one);
                    counts = counts.merge(one);
                }
                if (bar != null) {
                    bar.step(batch.size());
                }
            }
        }
        return counts;
    }

    /** One forward pass over {@code batch}; masks at each image's original size. */
    public static List<Mask> predictMasks(MaskModel model, List<Example> batch) {
        List<BufferedImage> images = new ArrayList<>(batch.size());
        List<String> instructions = new ArrayList<>(batch.size());
        for (Example e : batch) {
            images.add(e.image());
            instructions.add(e.instruction());
        }
        List<float[]> probabilities = model.predict(images, instructions);
        List<Mask> masks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            BufferedImage image = images.get(i);
            masks.add(ProbabilityMap.toMask(probabilities.get(i), model.inputSize(), model.threshold(),
                    image.getWidth(), image.getHeight()));
        }
        return masks;
    }
}
