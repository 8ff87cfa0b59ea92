package org.maskstream.retrain;

import java.nio.file.Path;

/**
 * Model folder locations as they travel in events: {@code file:} URIs ({@link org.maskstream.stream.SavedModels#path}
 * reads them back).
 */
public final class ModelFolders {
    private ModelFolders() {
    }

    public static String uri(Path dir) {
        return dir.toAbsolutePath().normalize().toUri().toString();
    }
}
