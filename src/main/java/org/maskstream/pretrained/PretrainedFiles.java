package org.maskstream.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The pretrained files the project uses ({@link #ALL}) and the one place that finds them: the cache
 * ({@code ~/.cache/maskstream/models/FOLDER/NAME}, or {@value #CACHE_PROPERTY} / {@code $MASKSTREAM_MODELS_CACHE}),
 * then local folders laid out the same way ({@code ../shared/models} by default). Every file is checked against
 * its pinned SHA-256 before it is used. {@link #fetch} downloads a file from its public origin into the cache, and
 * copies it from a local folder when the download fails (no network).
 *
 * <p>Code that needs a file calls {@link #resolve(PretrainedFile)}, e.g. {@code
 * PretrainedFiles.resolve(PretrainedFiles.SSD_DETECTOR)}; a missing file throws a
 * {@link MissingPretrainedFileException} saying how to get it. all-MiniLM-L6-v2 is not here: it ships in a Maven jar.
 */
public final class PretrainedFiles {
    public static final String CACHE_PROPERTY = "maskstream.models.cache";
    public static final String CACHE_ENV = "MASKSTREAM_MODELS_CACHE";
    public static final Path DEFAULT_LOCAL = Path.of("..", "shared", "models");
    /** STMicroelectronics/meta-st-x-linux-ai at X-LINUX-AI v6.1.1, Apache-2.0. */
    private static final String ST = "https://raw.githubusercontent.com/STMicroelectronics/meta-st-x-linux-ai/"
            + "6813080f1bb326793950c5a3ae02a3fd59a94f28/recipes-samples/";
    private static final String MOBILENET = "mobilenet-v2-int8";
    private static final String SSD = "ssd-mobilenetv2-fpnlite-coco-int8";
    private static final long MAX_BYTES = 256L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** ImageNet MobileNetV2 int8 with its 7x7x1280 and 14x14x96 feature maps added as outputs. */
    public static final PretrainedFile MOBILENET_FEATURES = new PretrainedFile("mobilenet_v2_int8_features.onnx",
            MOBILENET, URI.create(ST + "image-classification/models/files/mobilenet_v2_1.0_224_int8_per_tensor.onnx"),
            "479b0a378ff2503319dfd62913fde9ded309a2db5c9984bb8dfd3950b502c309",
            List.of("model_1/out_relu/Relu6;model_1/Conv_1/BiasAdd;model_1/Conv_1/Conv2D;Conv_1/kernel_1_dequant",
                    "model_1/block_13_expand_relu/Relu6;model_1/block_13_expand/BiasAdd;"
                            + "model_1/block_13_depthwise/depthwise;model_1/block_13_expand/Conv2D;"
                            + "block_13_expand/kernel_1_prequant__918_DequantizeLinear__1588:0"),
            "9cab9eb6aec482886fad3fcbc6def065b2bb7f4326546c82be50da25f485e99e",
            "ImageNet MobileNetV2 1.0 224 int8 ONNX + two feature-map outputs (Apache-2.0)");
    public static final PretrainedFile IMAGENET_LABELS = new PretrainedFile("labels_imagenet_2012.txt", MOBILENET,
            URI.create(ST + "image-classification/models/files/labels_imagenet_2012.txt"),
            "1f386e0d1cb6e28b9c2dac651c3dea6801e98ad1b41a14ce6bb1a093d72069f5", List.of(),
            "1f386e0d1cb6e28b9c2dac651c3dea6801e98ad1b41a14ce6bb1a093d72069f5", "the 1000 ImageNet class names");
    /** SSD MobileNetV2 FPN-Lite 256 COCO detector, int8 ONNX, unchanged. */
    public static final PretrainedFile SSD_DETECTOR = new PretrainedFile("ssd_mobilenet_v2_fpnlite_10_256_int8.onnx",
            SSD, URI.create(ST + "object-detection/models/files/ssd_mobilenet_v2_fpnlite_10_256_int8.onnx"),
            "18f7a27f0ebd2e2133f37a7ee01b6d04e9ad234a8fda456105a276f5abbcd022", List.of(),
            "18f7a27f0ebd2e2133f37a7ee01b6d04e9ad234a8fda456105a276f5abbcd022",
            "SSD MobileNetV2 FPN-Lite 256 COCO detector, int8 ONNX (Apache-2.0)");
    public static final PretrainedFile COCO_LABELS = new PretrainedFile("labels_coco_dataset_80.txt", SSD,
            URI.create(ST + "object-detection/models/files/labels_coco_dataset_80.txt"),
            "1f17b53017e442257cad2025ab981ddeb28d048af00dcac8ae810bc25a6a9a77", List.of(),
            "1f17b53017e442257cad2025ab981ddeb28d048af00dcac8ae810bc25a6a9a77",
            "background + the 80 COCO class names of the detector");
    public static final List<PretrainedFile> ALL = List.of(MOBILENET_FEATURES, IMAGENET_LABELS, SSD_DETECTOR,
            COCO_LABELS);

    private final Path cache;
    private final List<Path> local;
    private final Duration timeout;

    /**
     * @param cache   where fetched files go, as {@code cache/FOLDER/NAME}
     * @param local   folders searched after the cache, same layout (e.g. {@code ../shared/models})
     * @param timeout connect and read timeout of a download
     */
    public PretrainedFiles(Path cache, List<Path> local, Duration timeout) {
        this.cache = cache;
        this.local = List.copyOf(local);
        this.timeout = timeout;
    }

    /** The default cache ({@value #CACHE_PROPERTY}, {@code $MASKSTREAM_MODELS_CACHE}, else ~/.cache/...) and {@code ../shared/models}. */
    public static PretrainedFiles defaults() {
        return new PretrainedFiles(defaultCache(), List.of(DEFAULT_LOCAL), TIMEOUT);
    }

    public static Path defaultCache() {
        String configured = System.getProperty(CACHE_PROPERTY, System.getenv(CACHE_ENV));
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "maskstream", "models");
    }

    /** The verified local copy of {@code file} from the default places; never downloads. */
    public static Path resolve(PretrainedFile file) {
        return defaults().find(file);
    }

    /** {@link #resolve(PretrainedFile)} by file name. */
    public static Path resolve(String name) {
        return resolve(byName(name));
    }

    public static PretrainedFile byName(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no pretrained file is called '" + name + "': known are "
                        + ALL.stream().map(PretrainedFile::name).collect(Collectors.joining(", "))));
    }

    public Path cache() {
        return cache;
    }

    public List<Path> local() {
        return local;
    }

    /** The first verified copy: in the cache, then in the local folders. */
    public Optional<Path> located(PretrainedFile file) {
        return candidates(file).stream().filter(p -> verified(p, file)).findFirst();
    }

    /** {@link #located}, or a {@link MissingPretrainedFileException} that says how to get the file. */
    public Path find(PretrainedFile file) {
        return located(file).orElseThrow(() -> new MissingPretrainedFileException(missing(file)));
    }

    /**
     * Makes sure the cache holds a verified {@code file}: already there; else downloaded from its origin (when
     * {@code download}), checked and completed; else copied from a local folder. Says what it did on {@code log}.
     *
     * @return the file in the cache
     * @throws MissingPretrainedFileException when none of these gives the right bytes
     */
    public Path fetch(PretrainedFile file, boolean download, Consumer<String> log) {
        Path target = cache.resolve(file.relativePath());
        if (verified(target, file)) {
            log.accept(file.name() + ": in the cache, " + target);
            return target;
        }
        if (download) {
            try {
                write(target, fromOrigin(file));
                log.accept(file.name() + ": downloaded from " + file.origin() + " into " + target);
                return target;
            } catch (IOException | IllegalStateException e) {
                log.accept(file.name() + ": download failed (" + e.getMessage() + ")");
            }
        }
        for (Path dir : local) {
            Path copy = dir.resolve(file.relativePath());
            if (verified(copy, file)) {
                try {
                    write(target, Files.readAllBytes(copy));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy " + copy + " into " + target + ": " + e.getMessage(), e);
                }
                log.accept(file.name() + ": copied from " + copy + " into " + target);
                return target;
            }
        }
        throw new MissingPretrainedFileException(missing(file));
    }

    /** The published bytes, checked against their pinned hash, with {@link PretrainedFile#addOutputs} added. */
    private byte[] fromOrigin(PretrainedFile file) throws IOException {
        URLConnection connection = file.origin().toURL().openConnection();
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        byte[] bytes;
        try (InputStream in = connection.getInputStream()) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalStateException(file.origin() + " is larger than " + (MAX_BYTES >> 20) + " MiB: refused");
        }
        String got = sha256(bytes);
        if (!got.equals(file.originSha256())) {
            throw new IllegalStateException(file.origin() + " has SHA-256 " + got + ", expected "
                    + file.originSha256() + ": refused (the file at the origin is not the pinned one)");
        }
        if (file.addOutputs().isEmpty()) {
            return bytes;
        }
        byte[] derived = OnnxGraphOutputs.append(bytes, file.addOutputs());
        String derivedSha = sha256(derived);
        if (!derivedSha.equals(file.sha256())) {
            throw new IllegalStateException(file.name() + " made from " + file.origin() + " has SHA-256 " + derivedSha
                    + ", expected " + file.sha256());
        }
        return derived;
    }

    private List<Path> candidates(PretrainedFile file) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(cache), local.stream())
                .map(dir -> dir.resolve(file.relativePath())).toList();
    }

    private String missing(PretrainedFile file) {
        StringBuilder why = new StringBuilder();
        for (Path p : candidates(file)) {
            why.append(Files.isRegularFile(p) ? "; " + p + " has the wrong SHA-256 (expected " + file.sha256() + ")"
                    : "; not in " + p);
        }
        return "pretrained file " + file.name() + " (" + file.what() + ") is missing" + why + ". Get it with"
                + " 'bin/maskstream models --fetch' on a machine with internet access (it downloads " + file.origin()
                + (file.addOutputs().isEmpty() ? "" : " and adds the feature-map outputs") + "), or copy it into "
                + cache.resolve(file.folder()) + "/ from a machine that has it ('models --fetch --from DIR' checks"
                + " and copies a folder laid out as FOLDER/NAME)";
    }

    static boolean verified(Path path, PretrainedFile file) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try {
            return sha256(Files.readAllBytes(path)).equals(file.sha256());
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
