package org.maskstream.grounding;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import org.maskstream.data.Images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SSD MobileNetV2 FPN-Lite 256 (COCO, int8 ONNX, Apache-2.0, from a folder the user supplies) on DJL's ONNX Runtime
 * engine: images to {@link Detection}s in each image's own pixel coordinates.
 *
 * <p>The graph reads raw RGB as uint8 NHWC {@code [N, 256, 256, 3]} (it normalises inside), so an image is only
 * resized, aspect ratio not kept (the detector was trained with a fixed-shape resizer). Its outputs are the class
 * scores {@code [N, 6820, 81]} (column 0 background), the box encodings {@code [N, 6820, 4]} and the anchors
 * {@code [N, 6820, 4]}; boxes are decoded with {@link SsdBoxCoder}, every (anchor, class) pair scoring at least
 * {@link Settings#minScore} is a candidate, and {@link Nms} keeps the best per class. Instances are shared per folder
 * ({@link #shared(Path)}); {@link #detect} is synchronized because a DJL predictor is not thread-safe.
 */
public final class CocoDetector {
    public static final String FILE = "ssd_mobilenet_v2_fpnlite_10_256_int8.onnx";
    public static final String LABELS = "labels_coco_dataset_80.txt";
    public static final int INPUT_SIZE = 256;
    public static final int ANCHORS = 6820;
    /** Where a user gets the folder; its README has the details. */
    public static final String SOURCE = "../shared/models/ssd-mobilenetv2-fpnlite-coco-int8/ (" + FILE + " from"
            + " https://github.com/STMicroelectronics/meta-st-x-linux-ai, see that folder's README)";
    private static final String ONNX_ENGINE = "OnnxRuntime";
    private static final String SCORES = "StatefulPartitionedCall:2";
    private static final String ENCODINGS = "StatefulPartitionedCall:1";
    private static final String ANCHOR_OUTPUT = "StatefulPartitionedCall:0";
    private static final Map<Path, CocoDetector> SHARED = new ConcurrentHashMap<>();

    /**
     * Post-processing settings.
     *
     * @param minScore      a class score below this is no detection
     * @param nmsIou        boxes of one class overlapping more than this are one object
     * @param maxDetections per image, best first
     */
    public record Settings(double minScore, double nmsIou, int maxDetections) {
        /** The TF OD API's usual SSD settings, with a lower score floor: grounding weighs boxes by score. */
        public static final Settings DEFAULT = new Settings(0.3, 0.5, 50);

        public Settings {
            if (!(minScore > 0 && minScore < 1) || !(nmsIou > 0 && nmsIou <= 1) || maxDetections < 1) {
                throw new IllegalArgumentException("detector settings out of range: minScore and nmsIou in (0, 1),"
                        + " maxDetections >= 1; got " + minScore + ", " + nmsIou + ", " + maxDetections);
            }
        }
    }

    private final Path folder;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    private CocoDetector(Path folder, ZooModel<NDList, NDList> model) {
        this.folder = folder;
        this.model = model;
        this.predictor = model.newPredictor();
    }

    /**
     * The instance for {@code folder}, loaded on first use.
     *
     * @throws MissingDetectorException when the folder lacks the graph or its labels differ from {@link CocoClasses}
     */
    public static CocoDetector shared(Path folder) {
        return SHARED.computeIfAbsent(folder.toAbsolutePath().normalize(), CocoDetector::load);
    }

    private static CocoDetector load(Path folder) {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new MissingDetectorException("the COCO detector " + file + " does not exist: get " + SOURCE
                    + " and pass that folder");
        }
        checkLabels(folder.resolve(LABELS));
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine(ONNX_ENGINE).optTranslator(new NoopTranslator()).build();
        try {
            return new CocoDetector(folder, criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new MissingDetectorException("cannot load " + file + " as the COCO detector (" + e.getMessage()
                    + "): it must be " + SOURCE, e);
        }
    }

    /** The class order is the contract between the graph's score columns and the grounding's class names. */
    private static void checkLabels(Path labels) {
        if (!Files.isRegularFile(labels)) {
            return; // the graph alone is enough; the order is then the README's
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(labels).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + labels + ": " + e.getMessage(), e);
        }
        List<String> expected = new ArrayList<>();
        expected.add("background");
        expected.addAll(CocoClasses.NAMES);
        if (!lines.equals(expected)) {
            throw new MissingDetectorException(labels + " does not list background and the 80 COCO classes in the"
                    + " order this detector is known to use: it must be " + SOURCE);
        }
    }

    public Path folder() {
        return folder;
    }

    /** The detections of each image, best first, boxes in that image's pixels. */
    public List<List<Detection>> detect(List<BufferedImage> images, Settings settings) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to detect in");
        }
        Raw raw = run(images);
        List<List<Detection>> out = new ArrayList<>();
        for (int b = 0; b < images.size(); b++) {
            out.add(decode(raw, b, settings, images.get(b).getWidth(), images.get(b).getHeight()));
        }
        return out;
    }

    /**
     * The graph's outputs for a batch, row-major.
     *
     * @param scores    {@code [N, 6820, 81]}
     * @param encodings {@code [N, 6820, 4]}
     * @param anchors   {@code [6820, 4]} (the same for every image)
     */
    record Raw(float[] scores, float[] encodings, float[] anchors) {
    }

    private synchronized Raw run(List<BufferedImage> images) {
        int n = images.size();
        ByteBuffer pixels = Images.rgbBytesNhwc(images, INPUT_SIZE);
        try (NDManager scope = NDManager.newBaseManager(model.getNDManager().getDevice(), ONNX_ENGINE)) {
            NDArray input = scope.create(pixels, new Shape(n, INPUT_SIZE, INPUT_SIZE, 3), DataType.UINT8);
            NDList out = predictor.predict(new NDList(input));
            float[] scores = output(out, SCORES, new Shape(n, ANCHORS, CocoClasses.NAMES.size() + 1));
            float[] encodings = output(out, ENCODINGS, new Shape(n, ANCHORS, 4));
            float[] anchors = output(out, ANCHOR_OUTPUT, new Shape(n, ANCHORS, 4));
            out.close();
            return new Raw(scores, encodings, java.util.Arrays.copyOf(anchors, ANCHORS * 4));
        } catch (TranslateException e) {
            throw new IllegalStateException("the COCO detector failed on " + n + " images: " + e.getMessage(), e);
        }
    }

    private float[] output(NDList out, String name, Shape shape) {
        NDArray a = out.get(name);
        if (a == null || !a.getShape().equals(shape)) {
            throw new MissingDetectorException(folder.resolve(FILE) + " has no output " + name + " of shape " + shape
                    + " (outputs: " + out.getShapes() + "): it must be " + SOURCE);
        }
        return a.toFloatArray();
    }

    /** Candidates of image {@code b} over the score floor, decoded, suppressed, scaled to {@code w x h} pixels. */
    static List<Detection> decode(Raw raw, int b, Settings settings, int w, int h) {
        int classes = CocoClasses.NAMES.size();
        int stride = classes + 1;
        int scoreBase = b * ANCHORS * stride;
        float[] encodings = raw.encodings();
        float[] imageEncodings = java.util.Arrays.copyOfRange(encodings, b * ANCHORS * 4, (b + 1) * ANCHORS * 4);
        List<Detection> candidates = new ArrayList<>();
        for (int a = 0; a < ANCHORS; a++) {
            Box box = null;
            for (int c = 0; c < classes; c++) {
                float s = raw.scores()[scoreBase + a * stride + 1 + c];
                if (s >= settings.minScore()) {
                    if (box == null) {
                        box = SsdBoxCoder.DETECTOR.decode(raw.anchors(), imageEncodings, a).scaledClipped(w, h);
                    }
                    candidates.add(new Detection(c, s, box));
                }
            }
        }
        return Nms.suppress(candidates, settings.nmsIou(), settings.maxDetections());
    }
}
