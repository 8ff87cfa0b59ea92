package org.maskstream.retrain;

import java.net.URI;
import java.nio.file.Path;

/** Model folder locations as they travel in events: {@code file:} URIs, or plain paths. */
public final class ModelFolders {
    private ModelFolders() {
    }

    /** The local folder {@code uri} names. */
    public static Path path(String uri) {
        URI parsed = URI.create(uri.replace(" ", "%20"));
        if (parsed.getScheme() == null) {
            return Path.of(uri);
        }
        if (!"file".equals(parsed.getScheme())) {
            throw new IllegalArgumentException("model folder " + uri + " is not local: only file: URIs and paths are"
                    + " loaded (copy the registry to a file system every TaskManager mounts)");
        }
        return Path.of(parsed);
    }

    public static String uri(Path dir) {
        return dir.toAbsolutePath().normalize().toUri().toString();
    }
}
