package org.maskstream.pretrained;

import java.net.URI;
import java.util.List;

/**
 * One pretrained file the project can use, where it comes from and the bytes it must have.
 *
 * @param name         the file name, also its name in the cache and in {@code ../shared/models/FOLDER/}
 * @param folder       the sub-folder it lives in (one per model, with its licence and labels)
 * @param origin       the public URL of the published file, pinned to a commit
 * @param originSha256 SHA-256 of the published file
 * @param addOutputs   graph outputs added to the published ONNX file to make this one (empty: used unchanged)
 * @param sha256       SHA-256 of the file as used (equal to {@code originSha256} when nothing is added)
 * @param what         one line for people: what it is and its licence
 */
public record PretrainedFile(String name, String folder, URI origin, String originSha256, List<String> addOutputs,
                             String sha256, String what) {
    public PretrainedFile {
        addOutputs = List.copyOf(addOutputs);
        if (addOutputs.isEmpty() && !originSha256.equals(sha256)) {
            throw new IllegalArgumentException(name + ": a file used unchanged has its origin's SHA-256");
        }
    }

    /** The file at {@code folder/name}, relative to a models directory. */
    public String relativePath() {
        return folder + "/" + name;
    }
}
