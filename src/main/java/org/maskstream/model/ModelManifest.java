package org.maskstream.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files of a model folder by name, each with its SHA-256: what a model update is signed over, so any change to
 * any file (config.json's threshold, input size or the graph it names, not only {@code parameters.bin}) is seen.
 * A model folder is flat: a manifest holds plain file names, and a folder holding anything but regular files
 * (a symbolic link, a subfolder) has none.
 */
public final class ModelManifest {
    private ModelManifest() {
    }

    /** Every file of {@code dir} with its SHA-256 (lower-case hex), sorted by name. */
    public static SortedMap<String, String> of(Path dir) {
        SortedMap<String, String> manifest = new TreeMap<>();
        for (Path file : entries(dir)) {
            manifest.put(file.getFileName().toString(), SavedModel.hashOf(file));
        }
        return Collections.unmodifiableSortedMap(manifest);
    }

    /**
     * Checks that {@code dir} holds exactly the files {@code expected} lists, each a regular file (not a link) with
     * the listed SHA-256.
     *
     * @throws InvalidModelException saying which file differs and how
     */
    public static void verify(Path dir, Map<String, String> expected) {
        if (expected.isEmpty()) {
            throw new InvalidModelException("the manifest of " + dir + " lists no files");
        }
        TreeSet<String> found = new TreeSet<>();
        for (Path file : entries(dir)) {
            found.add(file.getFileName().toString());
        }
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(found);
        if (!missing.isEmpty()) {
            throw new InvalidModelException("model folder " + dir + " lacks " + missing + ", which its manifest lists");
        }
        found.removeAll(expected.keySet());
        if (!found.isEmpty()) {
            throw new InvalidModelException("model folder " + dir + " holds " + found + ", which its manifest does not"
                    + " list");
        }
        for (Map.Entry<String, String> e : new TreeMap<>(expected).entrySet()) {
            String actual = SavedModel.hashOf(dir.resolve(e.getKey()));
            if (!actual.equalsIgnoreCase(e.getValue())) {
                throw new InvalidModelException("model folder " + dir + ": " + e.getKey() + " has SHA-256 " + actual
                        + ", its manifest says " + e.getValue() + " (the file changed after the version was signed)");
            }
        }
    }

    private static TreeSet<Path> entries(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidModelException("model folder " + dir + " does not exist or is not a folder");
        }
        TreeSet<Path> files = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidModelException("model folder " + dir + " holds " + entry.getFileName()
                            + ", which is " + (Files.isSymbolicLink(entry) ? "a symbolic link" : "not a regular file")
                            + ": a model folder holds plain files only");
                }
                files.add(entry);
            }
        } catch (IOException e) {
            throw new InvalidModelException("cannot list model folder " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }
}
