package org.maskstream.experiment;

import org.maskstream.data.Corruptions;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Rotation;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.data.synth.SceneObject;
import org.maskstream.data.synth.Texture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One way the robustness report changes the held-out test scenes, and only them: each keeps the instruction true
 * of the image and the mask on the named object, except {@link #OTHER_INSTRUCTION}, which measures how much the
 * masks depend on the instruction at all. Deterministic: the same scenes and seed give the same examples.
 */
public enum Perturbation {
    CLEAN("clean", "the test scenes as generated"),
    TEXTURED_BACKGROUND("textured background", "every pixel no object covers replaced by procedural value noise"
            + " (clouds) between two muted colours; training never sees this texture"),
    NOISE("noise", "Gaussian noise of standard deviation " + Constants.NOISE_SIGMA + " levels (of 255) on every"
            + " channel"),
    BLUR("blur", "Gaussian blur of standard deviation " + Constants.BLUR_SIGMA + " px"),
    JPEG("JPEG", "a round trip through JPEG at quality " + Math.round(Constants.JPEG_QUALITY * 100)),
    ROTATION("rotation", "image and mask rotated together about the centre by " + Math.round(Constants.MIN_DEGREES)
            + " to " + Math.round(Constants.MAX_DEGREES) + " degrees either way, an"
            + " angle at which the instruction still names only its object under the generator's margins (else the"
            + " scene is left unrotated; the JSON counts those)"),
    INPUT_128("128 px input", "image (bilinear) and mask (by coverage: a pixel is the object's when it covers at"
            + " least half of it) resized to 128 x 128; the model resizes to its input and its mask is scored at"
            + " 128 px"),
    INPUT_32("32 px input", "image (bilinear: each 2x2 block averaged) and mask (by coverage, the same blocks)"
            + " resized to 32 x 32"),
    PARAPHRASE("paraphrased instructions", "the same scenes described with `--phrasing paraphrase`, whose content"
            + " words training never sees"),
    OTHER_INSTRUCTION("another scene's instruction", "each image with the instruction of another test scene (a"
            + " random derangement): how far the masks depend on the instruction");

    private static final int ROTATION_TRIES = 20;

    private final String label;
    private final String description;

    Perturbation(String label, String description) {
        this.label = label;
        this.description = description;
    }

    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** The name in the JSON: lower case with underscores. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The held-out test scenes as this perturbation changes them.
     *
     * @param examples  in the scenes' order, ids marked with {@link #key()}
     * @param unchanged how many came back as they were: scenes no allowed rotation fits (0 for the others)
     */
    public record Perturbed(List<Example> examples, int unchanged) {
    }

    public Perturbed apply(TestScenes test, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + ordinal());
        List<Example> clean = test.clean();
        int[] other = this == OTHER_INSTRUCTION ? derangement(clean.size(), rnd) : null;
        List<Example> out = new ArrayList<>(clean.size());
        int unchanged = 0;
        for (int i = 0; i < clean.size(); i++) {
            Example e = clean.get(i);
            Scene scene = test.scenes().get(i);
            String id = e.id() + "#" + key();
            switch (this) {
                case CLEAN -> out.add(e);
                case PARAPHRASE -> out.add(test.paraphrased().get(i));
                case OTHER_INSTRUCTION -> out.add(new Example(id, e.image(), clean.get(other[i]).instruction(),
                        e.mask()));
                case ROTATION -> {
                    Rotation r = rotation(scene, rnd);
                    unchanged += r.radians() == 0 ? 1 : 0;
                    out.add(new Example(id, r.image(e.image(), scene.renderBackground()), e.instruction(),
                            r.mask(e.mask())));
                }
                case INPUT_128, INPUT_32 -> {
                    int side = this == INPUT_128 ? 128 : 32;
                    out.add(new Example(id, Images.resizeSquare(e.image(), side), e.instruction(),
                            e.mask().resizeByCoverage(side, side)));
                }
                case TEXTURED_BACKGROUND -> out.add(new Example(id, Corruptions.replaceBackground(e.image(),
                        scene.objectsMask(), Texture.CLOUDS.paint(scene.size(), scene.size(), rnd)), e.instruction(),
                        e.mask()));
                case NOISE -> out.add(new Example(id, Corruptions.noise(e.image(), Constants.NOISE_SIGMA, rnd),
                        e.instruction(), e.mask()));
                case BLUR -> out.add(new Example(id, Corruptions.blur(e.image(), Constants.BLUR_SIGMA),
                        e.instruction(), e.mask()));
                case JPEG -> out.add(new Example(id, Corruptions.jpeg(e.image(), Constants.JPEG_QUALITY),
                        e.instruction(), e.mask()));
            }
        }
        return new Perturbed(out, unchanged);
    }

    /**
     * A rotation of {@code MIN_DEGREES} to {@code MAX_DEGREES} either way after which the scene's reference still
     * names only its target (positions move; colour and size references do not care), every object's centre stays
     * in the picture and
     * the target keeps 95% of its pixels; the identity when {@value #ROTATION_TRIES} draws find none.
     */
    static Rotation rotation(Scene scene, SplittableRandom rnd) {
        int size = scene.size();
        int area = scene.targetMask().area();
        for (int t = 0; t < ROTATION_TRIES; t++) {
            double degrees = (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(Constants.MIN_DEGREES,
                    Constants.MAX_DEGREES);
            Rotation r = new Rotation(size, size, Math.toRadians(degrees));
            List<SceneObject> moved = new ArrayList<>();
            boolean inside = true;
            for (SceneObject o : scene.objects()) {
                double[] c = r.point(o.cx(), o.cy());
                inside &= c[0] >= 0 && c[1] >= 0 && c[0] <= size && c[1] <= size;
                moved.add(o.at(c[0], c[1]));
            }
            if (inside && SceneGenerator.uniqueMatch(scene.reference(), moved, size) == scene.target()
                    && r.mask(scene.targetMask()).area() >= 0.95 * area) {
                return r;
            }
        }
        return new Rotation(size, size, 0);
    }

    /** A random permutation without fixed points (Sattolo's algorithm: one cycle through all {@code n}). */
    static int[] derangement(int n, SplittableRandom rnd) {
        if (n < 2) {
            throw new IllegalArgumentException("another scene's instruction needs at least 2 test scenes, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** The strengths, in one place for the descriptions and the code. */
    static final class Constants {
        static final double NOISE_SIGMA = 16;
        static final double BLUR_SIGMA = 1.0;
        static final float JPEG_QUALITY = 0.25f;
        /** Below this a 64 px scene hardly changes; beyond the upper one most position references break. */
        static final double MIN_DEGREES = 10;
        static final double MAX_DEGREES = 25;

        private Constants() {
        }
    }

    /**
     * The held-out test scenes: the generator's scenes, their examples phrased normally (what the models are
     * trained on) and paraphrased (the same scenes and masks, other words).
     */
    public record TestScenes(List<Scene> scenes, List<Example> clean, List<Example> paraphrased) {
        public TestScenes {
            if (scenes.size() != clean.size() || scenes.size() != paraphrased.size()) {
                throw new IllegalArgumentException(scenes.size() + " scenes, " + clean.size() + " examples and "
                        + paraphrased.size() + " paraphrased examples");
            }
            scenes = List.copyOf(scenes);
            clean = List.copyOf(clean);
            paraphrased = List.copyOf(paraphrased);
        }

        /** Scenes {@code 0 .. count-1} of {@code seed} at {@code size} px, as {@link SyntheticSplits#scenes}. */
        public static TestScenes generate(int size, long seed, int count) {
            SceneGenerator generator = new SceneGenerator(size, Phrasing.NORMAL);
            List<Scene> scenes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                scenes.add(generator.scene(seed, i));
            }
            return new TestScenes(scenes, SyntheticSplits.scenes(size, Phrasing.NORMAL, seed, count),
                    SyntheticSplits.scenes(size, Phrasing.PARAPHRASE, seed, count));
        }
    }
}
