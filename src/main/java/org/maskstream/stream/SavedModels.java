package org.maskstream.stream;

import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;

import java.net.URI;
import java.nio.file.Path;

/** Loads models the job serves from saved model folders ({@code train}'s output). */
public final class SavedModels {
    /** The job's loader: the ref's folder, checked against the ref's SHA-256 when it names one. */
    public static final ModelLoader LOADER = SavedModels::load;

    private SavedModels() {
    }

    static MaskModel load(ModelRef ref) {
        Path dir = path(ref.getUri());
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
