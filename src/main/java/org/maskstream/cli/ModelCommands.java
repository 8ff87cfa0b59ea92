package org.maskstream.cli;

import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;

import java.nio.file.Path;

/** What the model commands ({@code train}, {@code eval}, {@code predict}) share: threads, data, model loading. */
final class ModelCommands {
    /** DJL reads this once, when the PyTorch engine starts. */
    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    private ModelCommands() {
    }

    /**
     * Sets PyTorch's intra-op thread count; must run before the first DJL call. {@code null} keeps PyTorch's
     * default (one per core). On a machine shared with other busy processes one thread is often faster.
     */
    /** {@code id} as a file name: anything but letters, digits, dot, dash and underscore becomes an underscore. */
    static String fileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static void useThreads(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new UserError("--threads must be at least 1, got " + threads);
            }
            System.setProperty(THREADS_PROPERTY, Integer.toString(threads));
        }
    }

    static Dataset readDataset(Path dir, boolean skipBad) {
        try {
            Dataset data = DatasetReader.read(dir, skipBad);
            if (data.skipped() > 0) {
                System.err.printf("warning: skipped %d bad lines of %s (first: %s)%n", data.skipped(), dir,
                        data.warnings().get(0));
            }
            if (data.examples().isEmpty()) {
                throw new UserError("dataset " + dir + " has no examples: check its manifest.jsonl");
            }
            return data;
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    /** Every example must have a mask. */
    static Dataset readLabeled(Path dir, boolean skipBad) {
        Dataset data = readDataset(dir, skipBad);
        if (data.labeledCount() < data.size()) {
            throw new UserError("dataset " + dir + " has " + (data.size() - data.labeledCount()) + " examples"
                    + " without a mask: training and evaluation need a mask for every example");
        }
        return data;
    }

    static MaskModel loadModel(Path dir) {
        try {
            return SavedModel.load(dir);
        } catch (InvalidModelException e) {
            throw new UserError(e.getMessage(), e);
        }
    }
}
