package org.maskstream.retrain;

import org.maskstream.model.ModelManifest;

import java.nio.file.Path;
import java.util.SortedMap;

/**
 * One immutable version of the registry.
 *
 * @param version the version id ({@code v0001}, ...), also what the model reports as its version
 * @param dir     its folder, a saved model
 * @param sha256  {@code SavedModel.sha256} of the folder
 */
public record RegisteredModel(String version, Path dir, String sha256) {
    /** The folder as a {@code file:} URI, as model updates carry it. */
    public String uri() {
        return ModelFolders.uri(dir);
    }

    /** Every file of the folder with its SHA-256, as a promotion signs it. */
    public SortedMap<String, String> manifest() {
        return ModelManifest.of(dir);
    }
}
