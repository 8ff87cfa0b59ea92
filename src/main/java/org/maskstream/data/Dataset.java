package org.maskstream.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A dataset read into memory by {@link DatasetReader}.
 *
 * @param dir      the dataset folder
 * @param examples the readable examples, in manifest order
 * @param skipped  how many manifest lines were skipped as bad (only when read with {@code skipBad})
 * @param warnings one message per skipped line, naming the line, the file and the problem
 */
public record Dataset(Path dir, List<Example> examples, int skipped, List<String> warnings) {
    public Dataset {
        examples = List.copyOf(examples);
        warnings = List.copyOf(warnings);
    }

    public int size() {
        return examples.size();
    }

    /** How many examples carry a mask. */
    public long labeledCount() {
        return examples.stream().filter(Example::labeled).count();
    }
}
