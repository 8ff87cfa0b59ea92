package org.maskstream.cli;

import org.maskstream.data.DatasetException;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.data.synth.SceneVariety;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code maskstream generate}: writes a synthetic benchmark dataset. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Writes a synthetic dataset: scenes of 2-6 coloured shapes, an instruction that refers to "
                + "exactly one of them (by colour, position or size), and that object's silhouette as the mask.",
                "The same seed gives the same files; use different seeds for train, validation and test sets.",
                "Mirroring an image swaps left and right in its instruction: flip augmentation must rewrite it.",
                "By default the scenes are the benchmark's; --background, --rotate, --object-scale and --noise vary "
                        + "what it keeps fixed, and every instruction is checked on the scene as drawn."})
public final class GenerateCommand implements Callable<Integer> {
    private static final Pattern RANGE = Pattern.compile("(\\d+(?:\\.\\d+)?)-(\\d+(?:\\.\\d+)?)");

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

    @Option(names = "--background", defaultValue = "plain", paramLabel = "plain|textured|mixed", description =
            "'plain': flat, gradient or noise backgrounds, the benchmark's; 'textured': a procedural plaid texture"
            + " between two muted colours behind the objects of every scene (the training augmentation's family:"
            + " the clouds of experiment robustness stay unseen); 'mixed': textured in about half the scenes, chosen"
            + " by the seed (default: ${DEFAULT-VALUE}).")
    String background;

    @Option(names = "--rotate", description = "Turn each object about its centre by its own random angle; its mask"
            + " (and a hat an edit puts on) turns with it. Centres stay, so position references hold; a scene whose"
            + " turned objects hide each other too much is drawn again.")
    boolean rotate;

    @Option(names = "--object-scale", defaultValue = "1-1", paramLabel = "MIN-MAX", description = "Multiply each"
            + " object's size by its own random factor from MIN to MAX, within 0.5-2 (e.g. 0.6-1.4); a size"
            + " reference then names the object that is largest or smallest after scaling. Large factors leave"
            + " room for fewer objects (default: ${DEFAULT-VALUE}, sizes as drawn).")
    String objectScale;

    @Option(names = "--noise", defaultValue = "0", paramLabel = "SIGMA", description = "Gaussian pixel noise of"
            + " standard deviation SIGMA in 8-bit levels (0 to 64) on the rendered image and the edited target,"
            + " the same noise on both; masks are untouched (default: ${DEFAULT-VALUE}, none).")
    double noise;

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
        SceneVariety variety = variety();
        long start = System.nanoTime();
        int lines;
        try {
            lines = new SceneGenerator(size, wording, variety).generate(out, count, seed, overwrite, System.err,
                    instructionsPerScene);
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "wrote %d scenes, %d instructions (%dx%d, seed %d, %s phrasing) to %s in %.1f"
                + " s%n", count, lines, size, size, seed, wording.name().toLowerCase(Locale.ROOT), out.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private SceneVariety variety() {
        SceneVariety.Backdrop backdrop;
        try {
            backdrop = SceneVariety.Backdrop.valueOf(background.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--background must be 'plain', 'textured' or 'mixed', got '" + background + "'");
        }
        Matcher range = RANGE.matcher(objectScale.strip());
        if (!range.matches()) {
            throw new UserError("--object-scale must be MIN-MAX, two factors such as 0.6-1.4 (1-1 for sizes as"
                    + " drawn), got '" + objectScale + "'");
        }
        double min = Double.parseDouble(range.group(1));
        double max = Double.parseDouble(range.group(2));
        if (min > max) {
            throw new UserError("--object-scale " + objectScale + " has its bounds swapped: write the smaller"
                    + " factor first (" + range.group(2) + "-" + range.group(1) + ")");
        }
        if (min < SceneVariety.MIN_SCALE || max > SceneVariety.MAX_SCALE) {
            throw new UserError("--object-scale " + objectScale + " must lie within " + SceneVariety.MIN_SCALE + "-"
                    + SceneVariety.MAX_SCALE + ": smaller objects vanish into a few pixels, larger ones leave no"
                    + " room for a second object");
        }
        if (!(noise >= 0 && noise <= SceneVariety.MAX_NOISE)) {
            throw new UserError("--noise must be from 0 (none) to " + SceneVariety.MAX_NOISE + " levels of 255"
                    + " (beyond, the noise drowns the colours instructions name), got " + noise);
        }
        return new SceneVariety(backdrop, rotate, min, max, noise);
    }
}
