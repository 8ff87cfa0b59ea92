package org.maskstream.grounding;

import org.maskstream.data.Example;
import org.maskstream.data.Mask;
import org.maskstream.model.FrozenTextModel;
import org.maskstream.model.PriorSource;
import org.maskstream.pretrained.PretrainedFiles;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The detector-box prior as a predictor of its own: the boxes of the detections the instruction is grounded to
 * ({@link InstructionGrounder#select}), each filled with its score; the mask is every pixel inside one of them.
 *
 * <p>When the instruction names no COCO class as a target, or none of the named classes was detected, the mask is
 * the whole image. The full image is the fallback because it needs no statistic of any labeled set (a centred box
 * needs a mean area) and because the edits a COCO detector cannot name are mostly of scene regions (background,
 * grass, a page, a wall) that cover much of the photo; it is also what a user of an editing service gets when
 * nothing was recognised: the edit applies everywhere, and is visibly not localised.
 *
 * <p>It is also the prior source of a grounded network ({@link #ID_PREFIX}{@code FOLDER} in its config): the same
 * score-weighted box map, at the network's input size, without the fallback (an empty map says nothing was found).
 */
public final class DetectorPrior implements PriorSource {
    /** A network's {@code prior} id: this prefix, then the detector's folder. */
    public static final String ID_PREFIX = "coco-detector:";

    private final CocoDetector detector;
    private final InstructionGrounder grounder;
    private final CocoDetector.Settings settings;
    private final double confident;
    private final Map<BufferedImage, List<Detection>> seen = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Map<Path, DetectorPrior> SHARED = new ConcurrentHashMap<>();

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

    /**
     * The standard prior with the detector in {@code folder} and the shared MiniLM, what a grounded network uses: one
     * instance per folder, as the detector itself ({@link CocoDetector#shared}).
     */
    public static DetectorPrior open(Path folder) {
        return SHARED.computeIfAbsent(folder.toAbsolutePath().normalize(), f -> standard(CocoDetector.shared(f),
                new InstructionGrounder(new MiniLmClassMatcher(FrozenTextModel.minilm()))));
    }

    /**
     * The {@code prior} id for a user's {@code coco-detector} (the detector among the pretrained files) or
     * {@code coco-detector:FOLDER}.
     *
     * @throws IllegalArgumentException for anything else
     * @throws org.maskstream.pretrained.MissingPretrainedFileException when the pretrained detector is not found
     */
    public static String resolveId(String value) {
        if ((ID_PREFIX.substring(0, ID_PREFIX.length() - 1)).equals(value)) {
            return id(PretrainedFiles.resolve(PretrainedFiles.SSD_DETECTOR).getParent());
        }
        if (value.startsWith(ID_PREFIX) && value.length() > ID_PREFIX.length()) {
            return id(Path.of(value.substring(ID_PREFIX.length())));
        }
        throw new IllegalArgumentException("unknown prior '" + value + "': use coco-detector or coco-detector:FOLDER");
    }

    /** The {@code prior} id of a network that reads this prior with the detector in {@code folder}. */
    public static String id(Path folder) {
        return ID_PREFIX + folder.toAbsolutePath().normalize();
    }

    /** The grounding of each instruction and its chosen detections; one detector call for the whole batch. */
    private List<Chosen> choose(List<BufferedImage> images, List<String> instructions) {
        List<List<Detection>> detections = detections(images);
        List<Chosen> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            InstructionGrounder.Grounding g = grounder.ground(instructions.get(i));
            out.add(new Chosen(g, InstructionGrounder.select(g, detections.get(i), confident)));
        }
        return out;
    }

    /**
     * The detections of each image, from the detector or, for an image object seen before, remembered: training
     * reads a photo's prior once per fine-tuning run and evaluation once more, and the detector is the slow part.
     * The images are weak keys, so a stream's images are forgotten with them.
     */
    private List<List<Detection>> detections(List<BufferedImage> images) {
        List<BufferedImage> unseen = images.stream().filter(i -> !seen.containsKey(i)).distinct().toList();
        if (!unseen.isEmpty()) {
            List<List<Detection>> found = detector.detect(unseen, settings);
            for (int i = 0; i < unseen.size(); i++) {
                seen.put(unseen.get(i), found.get(i));
            }
        }
        return images.stream().map(i -> seen.getOrDefault(i, List.of())).toList();
    }

    private record Chosen(InstructionGrounder.Grounding grounding, List<Detection> detections) {
    }

    @Override
    public List<float[]> priors(List<BufferedImage> images, List<String> instructions, int size) {
        if (images.size() != instructions.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + instructions.size() + " instructions");
        }
        if (images.isEmpty()) {
            return List.of();
        }
        List<Chosen> chosen = choose(images, instructions);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            double sx = (double) size / images.get(i).getWidth();
            double sy = (double) size / images.get(i).getHeight();
            List<Detection> scaled = chosen.get(i).detections().stream()
                    .map(d -> new Detection(d.classId(), d.score(), new Box(d.box().x0() * sx, d.box().y0() * sy,
                            d.box().x1() * sx, d.box().y1() * sy))).toList(); // map() clips to the grid
            out.add(map(size, size, scaled));
        }
        return out;
    }

    /** Predictions for a batch, in order; one detector call for the whole batch. */
    public List<Prediction> predict(List<Example> batch) {
        List<Chosen> all = choose(batch.stream().map(Example::image).toList(),
                batch.stream().map(Example::instruction).toList());
        List<Prediction> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Example e = batch.get(i);
            InstructionGrounder.Grounding g = all.get(i).grounding();
            List<Detection> chosen = all.get(i).detections();
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
