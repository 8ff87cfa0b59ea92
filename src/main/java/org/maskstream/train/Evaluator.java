package org.maskstream.train;

import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.model.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.ProbabilityMap;
import org.maskstream.util.ProgressBar;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Scores a model on labeled examples: each prediction is brought to its image's original size (bilinear, then the
 * model's threshold) and compared with the example's mask through {@link IouCounts}.
 */
public final class Evaluator {
    public static final int BATCH = 32;

    private Evaluator() {
    }

    public static IouCounts evaluate(MaskModel model, List<Example> examples) {
        return evaluate(model, examples, (example, mask) -> { }, null);
    }

    /**
     * @param onPrediction called with each example and its predicted mask at the original size
     * @param progress     where a progress bar goes; {@code null} for none
     */
    public static IouCounts evaluate(MaskModel model, List<Example> examples, BiConsumer<Example, Mask> onPrediction,
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
                    onPrediction.accept(e, predicted);
                    counts = counts.merge(IouCounts.of(predicted, e.mask()));
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
