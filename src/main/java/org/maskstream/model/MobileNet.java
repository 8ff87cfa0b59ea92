package org.maskstream.model;

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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ImageNet MobileNetV2 (int8 ONNX, from a file the user supplies) run frozen on DJL's ONNX Runtime engine: images to
 * its stride-16 map {@code [N, 96, 14, 14]} ({@code block_13_expand_relu}) and its last map {@code [N, 1280, 7, 7]}.
 *
 * <p>The graph reads raw RGB as uint8 NHWC {@code [N, 224, 224, 3]} and normalizes inside, so an image is only
 * resized (bilinear, aspect ratio not kept). The file is not part of the project: {@code
 * ../shared/models/mobilenet-v2-int8/README.md} says where to get it. Instances are shared per file
 * ({@link #shared(Path)}); {@link #features} is synchronized because a DJL predictor is not thread-safe.
 */
public final class MobileNet {
    public static final int INPUT_SIZE = 224;
    public static final int MID_CHANNELS = 96;
    public static final int MID_SIDE = 14;
    public static final int LAST_CHANNELS = 1280;
    public static final int LAST_SIDE = 7;
    /** Where a user gets the file; the model folder's README has the details. */
    public static final String SOURCE = "mobilenet_v2_int8_features.onnx, which 'bin/maskstream models --fetch' puts"
            + " into ~/.cache/maskstream/models/mobilenet-v2-int8/ (MobileNetV2 int8 from"
            + " https://github.com/STMicroelectronics/meta-st-x-linux-ai with two feature maps added as outputs;"
            + " PretrainedFiles.MOBILENET_FEATURES)";
    private static final String ONNX_ENGINE = "OnnxRuntime";
    private static final Map<Path, MobileNet> SHARED = new ConcurrentHashMap<>();

    private final Path file;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;

    private MobileNet(Path file, ZooModel<NDList, NDList> model) {
        this.file = file;
        this.model = model;
        this.predictor = model.newPredictor();
    }

    /**
     * Both feature maps of a batch, row-major.
     *
     * @param mid  {@code [N, 96, 14, 14]}
     * @param last {@code [N, 1280, 7, 7]}
     */
    public record FeatureMaps(int batch, float[] mid, float[] last) {
    }

    /**
     * The instance for {@code file}, loaded on first use.
     *
     * @throws MissingEncoderException when the file does not exist or is not that graph
     */
    public static MobileNet shared(Path file) {
        Path key = file.toAbsolutePath().normalize();
        return SHARED.computeIfAbsent(key, MobileNet::load);
    }

    private static MobileNet load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new MissingEncoderException("the MobileNetV2 image encoder file " + file + " does not exist: get "
                    + SOURCE + " and pass its path as mobilenet:PATH");
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine(ONNX_ENGINE).optTranslator(new NoopTranslator()).build();
        try {
            return new MobileNet(file, criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new MissingEncoderException("cannot load " + file + " as the MobileNetV2 image encoder ("
                    + e.getMessage() + "): it must be " + SOURCE, e);
        }
    }

    public Path file() {
        return file;
    }

    /** The frozen network on a batch of images of any size. */
    public synchronized FeatureMaps features(List<BufferedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to encode");
        }
        int n = images.size();
        ByteBuffer pixels = Images.rgbBytesNhwc(images, INPUT_SIZE);
        try (NDManager scope = NDManager.newBaseManager(model.getNDManager().getDevice(), ONNX_ENGINE)) {
            NDArray input = scope.create(pixels, new Shape(n, INPUT_SIZE, INPUT_SIZE, 3), DataType.UINT8);
            NDList out = predictor.predict(new NDList(input));
            float[] mid = null;
            float[] last = null;
            // Picked by shape, not position: the graph's output names carry long TensorFlow suffixes.
            for (NDArray o : out) {
                Shape s = o.getShape();
                if (s.equals(new Shape(n, MID_CHANNELS, MID_SIDE, MID_SIDE))) {
                    mid = o.toFloatArray();
                } else if (s.equals(new Shape(n, LAST_CHANNELS, LAST_SIDE, LAST_SIDE))) {
                    last = o.toFloatArray();
                }
            }
            out.close();
            if (mid == null || last == null) {
                throw new MissingEncoderException(file + " does not output the [N,96,14,14] and [N,1280,7,7] feature"
                        + " maps: it must be " + SOURCE);
            }
            return new FeatureMaps(n, mid, last);
        } catch (TranslateException e) {
            throw new IllegalStateException("MobileNetV2 failed on " + n + " images: " + e.getMessage(), e);
        }
    }
}
