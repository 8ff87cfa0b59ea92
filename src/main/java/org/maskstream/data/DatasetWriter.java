package org.maskstream.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.maskstream.util.Json;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes examples into a dataset folder in the layout {@link DatasetReader} reads: {@code images/NAME.png},
 * {@code masks/NAME.png} (8-bit gray, 255 = edit), optional {@code targets/NAME.png}, and one manifest line each.
 *
 * <p>The manifest is written as {@code manifest.jsonl.partial} and renamed by {@link #finish()}; closing without
 * finishing (an exception, an interrupted run) deletes it, so a folder never looks like a complete dataset when it
 * is not. Use as {@code try (var w = DatasetWriter.create(dir, false)) { ...; w.finish(); }}. File names are the ids with characters outside
 * {@code [A-Za-z0-9._-]} replaced, made unique when two ids map to one name. Not thread-safe.
 */
public final class DatasetWriter implements AutoCloseable {
    private static final String PARTIAL = DatasetReader.MANIFEST + ".partial";
    private static final String[] FOLDERS = {"images", "masks", "targets"};

    private final Path dir;
    private final BufferedWriter manifest;
    private final Set<String> ids = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> folders = new HashSet<>();
    private boolean closed;

    private DatasetWriter(Path dir, BufferedWriter manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Starts a dataset in {@code dir}, creating the folder.
     *
     * @param overwrite replace a dataset already there (its manifest and its images/, masks/, targets/ folders);
     *                  otherwise an existing manifest is an error
     */
    public static DatasetWriter create(Path dir, boolean overwrite) {
        Path existing = dir.resolve(DatasetReader.MANIFEST);
        if (Files.exists(existing) && !overwrite) {
            throw new DatasetException(dir.toAbsolutePath() + " already holds a dataset (" + DatasetReader.MANIFEST
                    + "): choose another folder, delete it, or overwrite it (--overwrite)");
        }
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(existing);
            for (String folder : FOLDERS) {
                deleteTree(dir.resolve(folder));
            }
            return new DatasetWriter(dir, Files.newBufferedWriter(dir.resolve(PARTIAL), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DatasetException("cannot create a dataset in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** Writes an example without a target image or extra fields. */
    public void write(Example example) {
        write(example, null, Map.of());
    }

    /**
     * Writes one example.
     *
     * @param target the edited image, or {@code null}
     * @param extra  additional manifest fields (strings, numbers, booleans), written in key order after the
     *               layout's own fields; they must not reuse a layout field name
     */
    public void write(Example example, BufferedImage target, Map<String, ?> extra) {
        if (closed) {
            throw new IllegalStateException("dataset writer for " + dir + " is closed");
        }
        if (!ids.add(example.id())) {
            throw new DatasetException("duplicate id '" + example.id() + "' written to " + dir.toAbsolutePath()
                    + ": ids must be unique within a dataset");
        }
        String name = uniqueName(example.id());
        ObjectNode line = Json.LINES.createObjectNode();
        line.put("id", example.id());
        line.put("image", writePng("images", name, Images.toRgb(example.image())));
        line.put("instruction", example.instruction());
        if (example.mask() != null) {
            line.put("mask", writePng("masks", name, example.mask().toImage()));
        }
        if (target != null) {
            line.put("target", writePng("targets", name, Images.toRgb(target)));
        }
        for (Map.Entry<String, ?> e : new TreeMap<>(extra).entrySet()) {
            if (line.has(e.getKey())) {
                throw new IllegalArgumentException("extra field '" + e.getKey() + "' clashes with a layout field");
            }
            line.set(e.getKey(), Json.LINES.valueToTree(e.getValue()));
        }
        try {
            manifest.write(Json.LINES.writeValueAsString(line));
            manifest.newLine();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("example " + example.id() + " has extra fields JSON cannot hold", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest in " + dir.toAbsolutePath(), e);
        }
    }

    /** How many examples were written so far. */
    public int count() {
        return ids.size();
    }

    public Path dir() {
        return dir;
    }

    /** Completes the dataset: publishes the manifest under its final name. */
    public void finish() {
        if (closed) {
            throw new IllegalStateException("dataset writer for " + dir + " is closed");
        }
        closed = true;
        try {
            manifest.close();
            Files.move(dir.resolve(PARTIAL), dir.resolve(DatasetReader.MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish the manifest in " + dir.toAbsolutePath(), e);
        }
    }

    /** Abandons an unfinished dataset (its partial manifest is deleted); nothing to do after {@link #finish()}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            manifest.close();
            Files.deleteIfExists(dir.resolve(PARTIAL));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the partial manifest in " + dir.toAbsolutePath(), e);
        }
    }

    private String uniqueName(String id) {
        String base = id.replaceAll("[^A-Za-z0-9._-]", "_");
        String name = base;
        for (int n = 2; !names.add(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }

    private String writePng(String folder, String name, BufferedImage image) {
        String relative = folder + "/" + name + ".png";
        try {
            if (folders.add(folder)) {
                Files.createDirectories(dir.resolve(folder));
            }
            Files.write(dir.resolve(relative), Images.encodePng(image));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(relative).toAbsolutePath(), e);
        }
        return relative;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
