package org.maskstream.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.maskstream.util.Json;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a dataset folder: {@value #MANIFEST}, one JSON object per line with {@code id}, {@code image},
 * {@code instruction}, optional {@code mask} and {@code target} (ignored here), paths relative to the folder.
 * Blank lines are ignored; unknown fields are allowed (the generator records scene facts in them).
 *
 * <p>Defensive: a bad line (not a JSON object, a missing or non-string field, a duplicate id, a missing or
 * unreadable image or mask, a mask whose size differs from the image's) is a {@link DatasetException} naming the
 * manifest and the line, or, with {@code skipBad}, a counted warning with the same text.
 */
public final class DatasetReader {
    public static final String MANIFEST = "manifest.jsonl";

    private DatasetReader() {
    }

    /**
     * Reads every example of the dataset in {@code dir} into memory, images as RGB. A gathered training store (see
     * {@link GatheredStore}) is read as well, so {@code train} and {@code eval} work on what the job gathered.
     *
     * @param skipBad skip bad lines with a warning instead of failing on the first one
     * @throws DatasetException when the manifest is missing or unreadable, or on the first bad line unless
     *                          {@code skipBad}
     */
    public static Dataset read(Path dir, boolean skipBad) {
        if (GatheredStore.isStore(dir)) {
            return GatheredStore.read(dir.toUri(), skipBad);
        }
        List<Example> examples = new ArrayList<>();
        Report report = forEach(dir, skipBad, examples::add);
        return new Dataset(dir, examples, report.skipped(), report.warnings());
    }

    /**
     * What {@link #forEach} went through.
     *
     * @param examples how many examples were handed over
     * @param skipped  how many lines were skipped as bad
     * @param warnings one message per skipped line
     */
    public record Report(int examples, int skipped, List<String> warnings) {
    }

    /**
     * Hands the examples to {@code action} one at a time in manifest order, holding only one image in memory: for
     * datasets too large to {@link #read} whole. Errors and {@code skipBad} as in {@link #read}.
     */
    public static Report forEach(Path dir, boolean skipBad, Consumer<Example> action) {
        Path manifest = manifest(dir);
        List<String> warnings = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int count = 0;
        try (BufferedReader in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
            String line;
            for (int lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                if (line.isBlank()) {
                    continue;
                }
                Example ex;
                try {
                    ex = parseLine(dir, line);
                    if (!ids.add(ex.id())) {
                        throw new BadLine("duplicate id '" + ex.id() + "' (ids must be unique)");
                    }
                } catch (BadLine e) {
                    String message = manifest.toAbsolutePath() + " line " + lineNo + ": " + e.getMessage();
                    if (!skipBad) {
                        throw new DatasetException(message + ". Fix or remove the line, or skip bad lines "
                                + "(skipBad, --skip-bad on the command line)");
                    }
                    warnings.add(message);
                    continue;
                }
                action.accept(ex);
                count++;
            }
        } catch (CharacterCodingException e) {
            throw new DatasetException(manifest.toAbsolutePath() + " is not UTF-8 text: re-save it as UTF-8", e);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + manifest.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return new Report(count, warnings.size(), warnings);
    }

    /** The number of non-blank manifest lines: an upper bound of the examples, for progress bars. */
    public static int lineCount(Path dir) {
        Path manifest = manifest(dir);
        try (Stream<String> lines = Files.lines(manifest, StandardCharsets.UTF_8)) {
            return (int) lines.filter(l -> !l.isBlank()).count();
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot read " + manifest.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The value of one extra manifest field per example id (the generator's {@code reference}, {@code edit},
     * {@code objects}...), as text; an example without the field is absent from the map. Lines that are not JSON
     * objects with an id are left out: {@link #read} reports those.
     *
     * @throws DatasetException when no line has the field, naming the fields the first line does have
     */
    public static Map<String, String> fieldValues(Path dir, String field) {
        Path manifest = manifest(dir);
        Map<String, String> values = new HashMap<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<String> lines = Files.lines(manifest, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines.filter(l -> !l.isBlank())::iterator) {
                JsonNode node;
                try {
                    node = Json.LINES.readTree(line);
                } catch (JsonProcessingException e) {
                    continue;
                }
                if (node == null || !node.isObject() || !node.path("id").isTextual()) {
                    continue;
                }
                node.fieldNames().forEachRemaining(seen::add);
                JsonNode value = node.get(field);
                if (value != null && !value.isNull()) {
                    values.put(node.get("id").asText(), value.isTextual() ? value.asText() : value.toString());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException("cannot read " + manifest.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (values.isEmpty()) {
            throw new DatasetException("no line of " + manifest.toAbsolutePath() + " has a field '" + field
                    + "'; its lines have: " + String.join(", ", seen));
        }
        return values;
    }

    private static Path manifest(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new DatasetException("no " + MANIFEST + " in " + dir.toAbsolutePath()
                    + ": a dataset is a folder with a manifest.jsonl (see 'maskstream generate' or 'maskstream "
                    + "import-magicbrush' to make one) or a store of gathered *.avro files");
        }
        return manifest;
    }

    private static Example parseLine(Path dir, String line) {
        JsonNode node;
        try {
            node = Json.LINES.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadLine("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new BadLine("expected a JSON object with id, image, instruction");
        }
        String id = requiredText(node, "id");
        if (id.isBlank()) {
            throw new BadLine("id is blank");
        }
        BufferedImage image = Images.toRgb(readImage(dir, requiredText(node, "image"), "image"));
        String instruction = requiredText(node, "instruction");
        Mask mask = null;
        JsonNode maskNode = node.get("mask");
        if (maskNode != null && !maskNode.isNull()) {
            if (!maskNode.isTextual()) {
                throw new BadLine("field 'mask' must be a string path");
            }
            mask = Mask.fromImage(readImage(dir, maskNode.asText(), "mask"));
            if (mask.width() != image.getWidth() || mask.height() != image.getHeight()) {
                throw new BadLine("mask " + maskNode.asText() + " is " + mask.width() + "x" + mask.height()
                        + " but image " + node.get("image").asText() + " is " + image.getWidth() + "x"
                        + image.getHeight() + " (a mask must have its image's size)");
            }
        }
        return new Example(id, image, instruction, mask);
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new BadLine("missing field '" + field + "'");
        }
        if (!v.isTextual()) {
            throw new BadLine("field '" + field + "' must be a string, got " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    private static BufferedImage readImage(Path dir, String relative, String field) {
        Path file;
        try {
            if (Path.of(relative).isAbsolute()) {
                throw new BadLine(field + " path '" + relative + "' is absolute; paths are relative to the dataset folder");
            }
            file = dir.resolve(relative);
        } catch (InvalidPathException e) {
            throw new BadLine(field + " path '" + relative + "' is not a valid path");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadLine(field + " file " + file.toAbsolutePath() + " does not exist");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new BadLine(field + " file " + file.toAbsolutePath() + " is not a readable image (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw new BadLine(field + " file " + file.toAbsolutePath() + " is not a readable image (not PNG or JPEG)");
        }
        return img;
    }

    /** A problem confined to one manifest line; becomes an error or a warning with the line's position. */
    private static final class BadLine extends RuntimeException {
        BadLine(String message) {
            super(message, null, false, false);
        }
    }
}
