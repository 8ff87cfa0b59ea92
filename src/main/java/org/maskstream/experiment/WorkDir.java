package org.maskstream.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where an experiment puts its trained models: a folder the user keeps, or a temporary one deleted on close. */
public final class WorkDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private WorkDir(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code keep} when given (created), else a new temporary folder named after {@code prefix}. */
    public static WorkDir of(Path keep, String prefix) {
        try {
            return keep != null ? new WorkDir(Files.createDirectories(keep), false)
                    : new WorkDir(Files.createTempDirectory(prefix), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the trained models: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary folder " + path + ": " + e.getMessage(), e);
        }
    }
}
