package org.maskstream.model;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.databind.JsonNode;
import org.maskstream.data.Images;
import org.maskstream.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A model folder of kind {@value OnnxModelConfig#KIND}: a pretrained referring-segmentation graph (e.g. CLIPSeg)
 * served frozen on DJL's ONNX Runtime engine, described by an {@link OnnxModelConfig}.
 *
 * <p>The folder is checked when it loads, not at the first request: the graph's inputs must be exactly the three
 * the config names, and a probe batch of two blank images with instructions of different lengths must give the
 * named output as {@code [2, S, S]}. A graph with a fixed batch or sequence length, another output size or other
 * input names is refused with what was found and what to change.
 */
final class OnnxMaskModel implements MaskModel {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxMaskModel.class);
    private static final String ENGINE = "OnnxRuntime";
    private static final List<String> PROBE_INSTRUCTIONS = List.of("a", "the a of the a");

    private final OnnxModelConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final String version;

    private OnnxMaskModel(OnnxModelConfig config, HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model,
                          String version) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.model = model;
        this.predictor = model.newPredictor();
        this.version = version;
    }

    /** Whether {@code dir}'s config.json names kind {@value OnnxModelConfig#KIND} (unreadable: not, the DJL path reports it). */
    static boolean isOnnxFolder(Path dir) {
        Path file = dir.resolve(SavedModel.CONFIG);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            JsonNode kind = Json.MAPPER.readTree(file.toFile()).path("kind");
            return OnnxModelConfig.KIND.equals(kind.asText(null));
        } catch (IOException e) {
            return false;
        }
    }

    static OnnxModelConfig config(Path dir) {
        Path file = dir.resolve(SavedModel.CONFIG);
        try {
            OnnxModelConfig config = Json.MAPPER.readValue(file.toFile(), OnnxModelConfig.class);
            config.validate();
            for (String name : List.of(config.model(), config.tokenizer())) {
                // a name with a separator or .. would load a file outside the folder that its hash does not cover
                if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                    throw new InvalidModelException(file + " names " + name + ": the graph and tokenizer must be"
                            + " plain file names inside the model folder");
                }
                if (!Files.isRegularFile(dir.resolve(name))) {
                    throw new InvalidModelException("model folder " + dir + " has no " + name + ", which its "
                            + SavedModel.CONFIG + " names: put the exported file there or fix the name");
                }
            }
            return config;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidModelException(file + " is not a valid onnx model config: " + e.getMessage(), e);
        }
    }

    /**
     * The folder's SHA-256: of its config.json, tokenizer and graph bytes in that order (what {@code cat config.json
     * TOKENIZER MODEL | sha256sum} prints), so changing any of the three changes the version.
     */
    static String sha256(Path dir) {
        OnnxModelConfig config = config(dir);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : List.of(SavedModel.CONFIG, config.tokenizer(), config.model())) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(dir.resolve(name)), digest)) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new InvalidModelException("cannot read model folder " + dir + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The message for every attempt to fine-tune or register an onnx folder for retraining. */
    static String notTrainable(Path dir) {
        return "model folder " + dir + " is of kind " + OnnxModelConfig.KIND + ": a pretrained ONNX graph that"
                + " maskstream serves (job, eval, predict, demo --no-retrain) but cannot fine-tune, because ONNX"
                + " Runtime only runs a graph forward and this project trains DJL networks. Fine-tune the network in"
                + " the framework it came from and export it again, or retrain a model written by 'maskstream train'";
    }

    static OnnxMaskModel load(Path dir) {
        OnnxModelConfig config = config(dir);
        String version = SavedModel.version(dir);
        LOG.info("loading onnx model {} ({})", dir, config.model());
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(dir.resolve(config.tokenizer()), Map.of("padding", "true",
                    "truncation", "true", "maxLength", Integer.toString(config.maxTokens())));
        } catch (IOException | RuntimeException e) {
            throw new InvalidModelException("model folder " + dir + ": cannot read " + config.tokenizer() + " as a"
                    + " Hugging Face tokenizer.json (" + e.getMessage() + "): save it with the model's fast"
                    + " tokenizer (tokenizer.save_pretrained)", e);
        }
        ZooModel<NDList, NDList> graph;
        try {
            graph = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir.resolve(config.model()))
                    .optEngine(ENGINE).optTranslator(new NoopTranslator()).build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            tokenizer.close();
            throw new InvalidModelException("model folder " + dir + ": ONNX Runtime cannot load " + config.model()
                    + " (" + e.getMessage() + ")", e);
        }
        OnnxMaskModel loaded = new OnnxMaskModel(config, tokenizer, graph, version);
        try {
            loaded.checkSignature(dir);
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private void checkSignature(Path dir) {
        Set<String> graphInputs = new TreeSet<>(model.describeInput().keys());
        Set<String> named = new TreeSet<>(config.inputs().names());
        if (!graphInputs.equals(named)) {
            throw new InvalidModelException("model folder " + dir + ": the graph " + config.model() + " has inputs "
                    + graphInputs + " but " + SavedModel.CONFIG + " names " + named + " (inputs.pixels, inputIds,"
                    + " attentionMask): write the graph's names there, or export the graph with exactly an image,"
                    + " token-id and attention-mask input (CLIPSeg: pixel_values, input_ids, attention_mask)");
        }
        int s = config.imageSize();
        int b = PROBE_INSTRUCTIONS.size();
        BufferedImage blank = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
        NDList out;
        try (NDManager scope = NDManager.newBaseManager(model.getNDManager().getDevice(), ENGINE)) {
            try {
                out = predictor.predict(inputs(scope, List.of(blank, blank), PROBE_INSTRUCTIONS));
            } catch (TranslateException | RuntimeException e) {
                throw new InvalidModelException("model folder " + dir + ": the graph " + config.model() + " does not"
                        + " run on a probe batch of " + b + " images of " + s + "x" + s + " (imageSize) with"
                        + " instructions of different lengths (" + e.getMessage() + "): export it with dynamic batch"
                        + " and sequence axes, and set imageSize to the side it reads", e);
            }
            Shape expected = new Shape(b, s, s);
            Shape found = logits(out).getShape();
            if (!found.equals(expected)) {
                throw new InvalidModelException("model folder " + dir + ": output '" + config.output() + "' of "
                        + config.model() + " has shape " + found + " for a batch of " + b + ", expected " + expected
                        + " ([B, imageSize, imageSize] logits): the graph predicts at another size than imageSize "
                        + s + ", or is not a per-pixel mask model");
            }
            out.close();
        }
    }

    private NDArray logits(NDList out) {
        NDArray logits = out.get(config.output());
        if (logits == null) {
            throw new InvalidModelException("the graph " + config.model() + " has outputs " + out.stream()
                    .map(NDArray::getName).collect(Collectors.toList()) + ", not '" + config.output() + "' named in "
                    + SavedModel.CONFIG + " (output)");
        }
        return logits;
    }

    /** The named inputs: pixels {@code [B, 3, S, S]}, token ids and attention mask {@code [B, T]}. */
    private NDList inputs(NDManager scope, List<BufferedImage> images, List<String> instructions) {
        int b = images.size();
        int s = config.imageSize();
        int plane = s * s;
        float[] pixels = new float[b * 3 * plane];
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = config.mean().get(c);
            std[c] = config.std().get(c);
        }
        for (int i = 0; i < b; i++) {
            int[] rgb = Images.resizeSquare(images.get(i), s).getRGB(0, 0, s, s, null, 0, s);
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    float v = ((rgb[p] >> (16 - 8 * c)) & 0xff) / 255f;
                    pixels[(i * 3 + c) * plane + p] = (v - mean[c]) / std[c];
                }
            }
        }
        Encoding[] encodings = tokenizer.batchEncode(instructions);
        int t = encodings[0].getIds().length; // padded to the batch's longest
        long[] ids = new long[b * t];
        long[] attention = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(encodings[i].getIds(), 0, ids, i * t, t);
            System.arraycopy(encodings[i].getAttentionMask(), 0, attention, i * t, t);
        }
        NDArray pixelArray = scope.create(pixels, new Shape(b, 3, s, s));
        pixelArray.setName(config.inputs().pixels());
        NDArray idArray = scope.create(ids, new Shape(b, t));
        idArray.setName(config.inputs().inputIds());
        NDArray maskArray = scope.create(attention, new Shape(b, t));
        maskArray.setName(config.inputs().attentionMask());
        return new NDList(pixelArray, idArray, maskArray);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int inputSize() {
        return config.imageSize();
    }

    @Override
    public float threshold() {
        return config.threshold();
    }

    @Override
    public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
        Batches.requirePairs(images, instructions);
        if (images.isEmpty()) {
            return List.of();
        }
        int b = images.size();
        int plane = config.imageSize() * config.imageSize();
        try (NDManager scope = NDManager.newBaseManager(model.getNDManager().getDevice(), ENGINE)) {
            NDList out = predictor.predict(inputs(scope, images, instructions));
            float[] logits = logits(out).toFloatArray(); // [B, S, S], checked at load
            out.close();
            List<float[]> probabilities = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                float[] p = new float[plane];
                for (int k = 0; k < plane; k++) {
                    p[k] = (float) (1 / (1 + Math.exp(-logits[i * plane + k])));
                }
                probabilities.add(p);
            }
            return probabilities;
        } catch (TranslateException e) {
            throw new IllegalStateException("the onnx model " + version + " failed on " + b + " requests: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
        tokenizer.close();
    }
}
