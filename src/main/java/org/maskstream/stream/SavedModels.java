package org.maskstream.stream;

import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.maskstream.model.ModelManifest;
import org.maskstream.model.SavedModel;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Loads models the job serves from saved model folders ({@code train}'s output). */
public final class SavedModels {
    /**
     * The job's loader: the ref's folder, checked against the ref's manifest (every file's SHA-256, from a verified
     * model update) and SHA-256 when it names them.
     */
    public static final ModelLoader LOADER = SavedModels::load;

    private SavedModels() {
    }

    static MaskModel load(ModelRef ref) {
        Path dir = path(ref.getUri());
        if (ref.getManifest() != null) {
            // a verified update's folder: the same files as when it was verified, and still where it was
            try {
                if (!dir.toRealPath().equals(dir)) {
                    throw new InvalidModelException("model folder " + dir + " now resolves to " + dir.toRealPath()
                            + ": it was replaced by a link after it was verified");
                }
            } catch (IOException e) {
                throw new InvalidModelException("model folder " + dir + " is gone since it was verified: " + e, e);
            }
            ModelManifest.verify(dir, ref.getManifest());
        }
        if (ref.getSha256() != null && !ref.getSha256().isBlank()) {
            String actual = SavedModel.sha256(dir);
            if (!actual.equalsIgnoreCase(ref.getSha256())) {
                throw new InvalidModelException("model folder " + dir + " has SHA-256 " + actual + " but "
                        + ref.getSha256() + " was expected: refusing it");
            }
        }
        return SavedModel.load(dir);
    }

    /** The local folder {@code uri} names: a plain path or a {@code file:} URI; any other scheme is refused. */
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
}
