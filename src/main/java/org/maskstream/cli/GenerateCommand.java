package org.maskstream.cli;

import org.maskstream.data.DatasetException;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code maskstream generate}: writes a synthetic benchmark dataset. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a synthetic dataset: scenes of 2-6 coloured shapes, an instruction that refers to "
                + "exactly one of them (by colour, position or size), and that object's silhouette as the mask.",
                "The same seed gives the same files; use different seeds for train, validation and test sets.",
                "Mirroring an image swaps left and right in its instruction: flip augmentation must rewrite it."})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Folder to write the dataset to (created).")
    Path out;

    @Option(names = "--count", defaultValue = "1000", description = "Number of scenes (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "64", description = "Image width and height in pixels, at least 16 "
            + "(default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--phrasing", defaultValue = "normal", description = "Instruction wording: 'normal', or "
            + "'paraphrase' (synonyms that never occur in normal instructions, to test generalisation) "
            + "(default: ${DEFAULT-VALUE}).")
    String phrasing;

    @Option(names = "--instructions-per-scene", defaultValue = "1", description = "Manifest lines per scene: the"
            + " scene's own instruction plus up to this many minus one more about other objects of the same image,"
            + " each with its own mask (scenes with fewer nameable objects get fewer) (default: ${DEFAULT-VALUE}).")
    int instructionsPerScene;

    @Option(names = "--overwrite", description = "Replace a dataset already in --out.")
    boolean overwrite;

    @Override
    public Integer call() {
        if (count <= 0) {
            throw new UserError("--count must be positive, got " + count);
        }
        if (size < 16) {
            throw new UserError("--size must be at least 16 pixels (shapes are unreadable below), got " + size);
        }
        if (instructionsPerScene < 1) {
            throw new UserError("--instructions-per-scene must be at least 1, got " + instructionsPerScene);
        }
        Phrasing wording;
        try {
            wording = Phrasing.valueOf(phrasing.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--phrasing must be 'normal' or 'paraphrase', got '" + phrasing + "'");
        }
        long start = System.nanoTime();
        int lines;
        try {
            lines = new SceneGenerator(size, wording).generate(out, count, seed, overwrite, System.err,
                    instructionsPerScene);
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "wrote %d scenes, %d instructions (%dx%d, seed %d, %s phrasing) to %s in %.1f"
                + " s%n", count, lines, size, size, seed, wording.name().toLowerCase(Locale.ROOT), out.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
