package org.maskstream.grounding;

import org.maskstream.data.Example;
import org.maskstream.data.Mask;

import java.util.ArrayList;
import java.util.List;

/**
 * The detector-box prior as a predictor of its own: the boxes of the detections the instruction is grounded to
 * ({@link InstructionGrounder#select}), each filled with its score; the mask is every pixel inside one of them.
 *
 * <p>When the instruction names no COCO class as a target, or none of the named classes was detected, the mask is
 * the whole image. The full image is the fallback because it needs no statistic of any labeled set (a centred box
 * needs a mean area) and because the edits a COCO detector cannot name are mostly of scene regions (background,
 * grass, a page, a wall) that cover much of the photo; it is also what a user of an editing service gets when
 * nothing was recognised: the edit applies everywhere, and is visibly not localised.
 */
public final class DetectorPrior {
    private final CocoDetector detector;
    private final InstructionGrounder grounder;
    private final CocoDetector.Settings settings;
    private final double confident;

    /**
     * @param settings  the detector's; its score floor bounds how weak a named object's box may be
     * @param confident the score from which a detection counts as sure (see {@link InstructionGrounder#select})
     */
    public DetectorPrior(CocoDetector detector, InstructionGrounder grounder, CocoDetector.Settings settings,
                         double confident) {
        this.detector = detector;
        this.grounder = grounder;
        this.settings = settings;
        this.confident = confident;
    }

    /** Named objects' boxes from score 0.1; sure at the detector's usual 0.3. */
    public static DetectorPrior standard(CocoDetector detector, InstructionGrounder grounder) {
        return new DetectorPrior(detector, grounder, new CocoDetector.Settings(0.1, 0.5, 100),
                CocoDetector.Settings.DEFAULT.minScore());
    }

    /**
     * One example's prediction.
     *
     * @param chosen   the grounded detections, best first; empty when the prediction fell back
     * @param prior    {@code [H * W]} row-major: the highest score of a chosen box covering the pixel, else 0
     * @param mask     the predicted region at the image's size
     */
    public record Prediction(InstructionGrounder.Grounding grounding, List<Detection> chosen, float[] prior,
                             Mask mask) {
        public boolean fellBack() {
            return chosen.isEmpty();
        }
    }

    /** Predictions for a batch, in order; one detector call for the whole batch. */
    public List<Prediction> predict(List<Example> batch) {
        List<List<Detection>> detections = detector.detect(batch.stream().map(Example::image).toList(), settings);
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Example e = batch.get(i);
            InstructionGrounder.Grounding g = grounder.ground(e.instruction());
            List<Detection> chosen = InstructionGrounder.select(g, detections.get(i), confident);
            int w = e.image().getWidth();
            int h = e.image().getHeight();
            float[] prior = map(w, h, chosen);
            // Threshold 0 on an empty map is every pixel: the full-image fallback.
            Mask mask = Mask.fromProbabilities(w, h, prior, chosen.isEmpty() ? 0f : Float.MIN_VALUE);
            out.add(new Prediction(g, chosen, prior, mask));
        }
        return out;
    }

    /** The score-weighted box map of {@code boxes} (pixels) on a {@code w x h} grid: max score per pixel. */
    public static float[] map(int w, int h, List<Detection> boxes) {
        float[] m = new float[w * h];
        for (Detection d : boxes) {
            int x0 = (int) Math.floor(d.box().x0());
            int y0 = (int) Math.floor(d.box().y0());
            int x1 = Math.min(w, (int) Math.ceil(d.box().x1()));
            int y1 = Math.min(h, (int) Math.ceil(d.box().y1()));
            for (int y = Math.max(0, y0); y < y1; y++) {
                for (int x = Math.max(0, x0); x < x1; x++) {
                    m[y * w + x] = Math.max(m[y * w + x], d.score());
                }
            }
        }
        return m;
    }
}
