package org.maskstream.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.maskstream.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The saved form shared by every variant: a folder with
 * <ul>
 *   <li>{@code parameters.bin}: the network's parameters (DJL {@code Block.saveParameters});</li>
 *   <li>{@code parameters.sha256}: the SHA-256 of {@code parameters.bin} as hex (checked on every load);</li>
 *   <li>{@code config.json}: the {@link ModelConfig} that rebuilds the network (variant, sizes, vocabulary,
 *       input size, threshold, encoders);</li>
 *   <li>{@code metrics.json}: what the trainer measured (free-form, for people and the registry).</li>
 * </ul>
 * A folder whose {@code config.json} says {@code "kind": "onnx"} is a pretrained ONNX graph instead
 * ({@link OnnxModelConfig}): {@link #load} and {@link #sha256} serve it, {@link #config} and {@link #loadNet}
 * refuse it, since it cannot be fine-tuned.
 */
public final class SavedModel {
    public static final String PARAMETERS = "parameters.bin";
    public static final String HASH = "parameters.sha256";
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.json";
    private static final int VERSION_CHARS = 12;
    private static final Logger LOG = LoggerFactory.getLogger(SavedModel.class);

    private SavedModel() {
    }

    /**
     * Writes {@code net}'s parameters and config and {@code metrics} into {@code dir} (created if needed,
     * files replaced). The hash file is written last, so a half-written folder never verifies.
     */
    public static void save(MaskNet net, Map<String, ?> metrics, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(HASH));
            Path tmp = dir.resolve(PARAMETERS + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                net.saveParameters(out);
            }
            Files.move(tmp, dir.resolve(PARAMETERS), StandardCopyOption.REPLACE_EXISTING);
            Json.MAPPER.writeValue(dir.resolve(CONFIG).toFile(), net.config());
            Json.MAPPER.writeValue(dir.resolve(METRICS).toFile(), metrics);
            Files.writeString(dir.resolve(HASH), hashOf(dir.resolve(PARAMETERS)) + "  " + PARAMETERS + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code dir} is a model folder of kind onnx: servable, not trainable. */
    public static boolean isOnnx(Path dir) {
        return OnnxMaskModel.isOnnxFolder(dir);
    }

    /** Loads a saved model for inference on the GPU when there is one, else the CPU; verifies the hash first. */
    public static MaskModel load(Path dir) {
        if (OnnxMaskModel.isOnnxFolder(dir)) {
            return OnnxMaskModel.load(dir);
        }
        Device device = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        LOG.info("loading model {} on {}", dir, device);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            MaskNet net = loadNet(dir, manager);
            // the prior source opens here, with the model, so a missing detector fails the load, not a request
            PriorSource prior = net.config().hasPrior() ? PriorSources.open(net.config().prior()) : null;
            return new DjlMaskModel(net, manager, version(dir), prior);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The version {@link #load} gives the model in {@code dir} ({@link MaskModel#version()}), from the folder's
     * metadata alone: the {@code version} of its config.json (the registry writes its {@code vNNNN} there), else the
     * first 12 hex digits of its SHA-256. Reads config.json and parameters.sha256 (an onnx folder without a version:
     * hashes its files, as loading does); loads no parameters.
     */
    public static String version(Path dir) {
        String declared = OnnxMaskModel.isOnnxFolder(dir) ? OnnxMaskModel.config(dir).version() : config(dir).version();
        return declared != null ? declared : sha256(dir).substring(0, VERSION_CHARS);
    }

    /**
     * The SHA-256 of the parameters recorded in the folder (lower-case hex), as written at save time; of an onnx
     * folder, computed from its files ({@link OnnxMaskModel#sha256}).
     */
    public static String sha256(Path dir) {
        if (OnnxMaskModel.isOnnxFolder(dir)) {
            return OnnxMaskModel.sha256(dir);
        }
        Path file = existing(dir, HASH);
        try {
            String recorded = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+")[0];
            if (!recorded.matches("[0-9a-f]{64}")) {
                throw new InvalidModelException(file + " does not hold a SHA-256 hex digest: the folder is damaged;"
                        + " save the model again");
            }
            return recorded;
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The config of a saved model, without loading its parameters.
     *
     * @throws InvalidModelException also for an onnx folder: it has no network to rebuild or fine-tune
     */
    public static ModelConfig config(Path dir) {
        if (OnnxMaskModel.isOnnxFolder(dir)) {
            throw new InvalidModelException(OnnxMaskModel.notTrainable(dir));
        }
        Path file = existing(dir, CONFIG);
        try {
            ModelConfig config = Json.MAPPER.readValue(file.toFile(), ModelConfig.class);
            config.validate();
            return config;
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidModelException(file + " is not a valid model config: " + e.getMessage(), e);
        }
    }

    /**
     * Rebuilds the network of a saved model with its parameters in {@code manager}, after checking the parameters
     * against the recorded hash. For inference use {@link #load}; the trainer uses this to fine-tune.
     */
    public static MaskNet loadNet(Path dir, NDManager manager) {
        ModelConfig config = config(dir);
        Path parameters = existing(dir, PARAMETERS);
        String recorded = sha256(dir);
        String actual = hashOf(parameters);
        if (!recorded.equals(actual)) {
            throw new InvalidModelException("model folder " + dir + ": " + PARAMETERS + " does not match its recorded"
                    + " SHA-256 (recorded " + recorded + ", found " + actual + "); the file is damaged or was"
                    + " changed: copy the folder again or retrain");
        }
        MaskNet net;
        try {
            net = MaskNet.build(config);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("model folder " + dir + ": " + e.getMessage(), e);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(parameters)))) {
            net.loadParameters(manager, in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new InvalidModelException("model folder " + dir + ": cannot read " + PARAMETERS + " as the"
                    + " network its config describes (" + e.getMessage() + "). Its hash matches, so the file is"
                    + " intact: the folder was most likely saved by an older maskstream whose network had other"
                    + " parameters; train it again with this version (or load it with the version that saved it)", e);
        }
        return net;
    }

    private static Path existing(Path dir, String name) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidModelException("model folder " + dir + " does not exist: pass the --out folder of"
                    + " 'maskstream train'");
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException("model folder " + dir + " has no " + name + ": it is not a saved model"
                    + " or is incomplete");
        }
        return file;
    }

    static String hashOf(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
