package org.maskstream.data.synth;

import org.maskstream.data.DatasetWriter;
import org.maskstream.data.Example;
import org.maskstream.util.ProgressBar;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The synthetic benchmark: scenes of {@value #MIN_OBJECTS}-{@value #MAX_OBJECTS} coloured shapes on a flat, gradient
 * or noise background, an instruction that refers to exactly one of them, and that object's visible silhouette as
 * the mask.
 *
 * <p>References are made unambiguous with margins (the guarantees a model may rely on, and the tests check):
 * <ul>
 *   <li>by colour ("the blue star"): exactly one object has that colour and shape;</li>
 *   <li>by position ("the circle on the left", "the top square"): at least two objects have that shape and the
 *       target's centre is beyond every other one's by at least {@value #POSITION_MARGIN} of the image size;</li>
 *   <li>by size ("the largest triangle"): at least two objects have that shape and the target's radius is at least
 *       {@value #SIZE_RATIO} times every other one's (or at most 1 / that for "smallest").</li>
 * </ul>
 * Distractors sharing the target's colour or shape are common, so neither the text nor the image alone is enough.
 * Objects barely hide each other: the target keeps at least {@value #MIN_VISIBLE_TARGET} of its pixels visible,
 * every other object {@value #MIN_VISIBLE_OTHER}.
 *
 * <p>Horizontal flips swap left and right: an augmentation that mirrors the image must rewrite the instruction with
 * {@link Phrasing#mirrorLeftRight(String)} (top/bottom, colour and size references are unaffected).
 *
 * <p>A {@link SceneVariety} other than {@link SceneVariety#NONE} textures backgrounds, turns and scales objects or
 * adds pixel noise; the margins above are checked on the scene as it is drawn, after turning and scaling.
 *
 * <p>Scene {@code i} of seed {@code s} depends only on {@code (s, i)} (its own {@link SplittableRandom}), so a
 * dataset is identical byte for byte whenever it is generated again, and any one scene can be rebuilt alone.
 */
public final class SceneGenerator {
    public static final int MIN_OBJECTS = 2;
    public static final int MAX_OBJECTS = 6;
    public static final double MIN_RADIUS = 0.08;
    public static final double MAX_RADIUS = 0.17;
    public static final double POSITION_MARGIN = 0.10;
    public static final double SIZE_RATIO = 1.35;
    public static final double MIN_VISIBLE_TARGET = 0.9;
    public static final double MIN_VISIBLE_OTHER = 0.7;
    /** Centres stay at least this fraction of the summed radii apart, which keeps overlaps to slivers. */
    private static final double MIN_CENTRE_DISTANCE = 0.85;
    private static final int COLOUR_JITTER = 18;
    private static final int MAX_ATTEMPTS = 10_000;
    private static final int PLACEMENT_TRIES = 60;
    /** Keeps the extra instructions' random stream apart from the scene's own. */
    private static final long EXTRA_STREAM = 0x9E3779B97F4A7C15L;
    /** Keeps the variety's draws apart from the layout's, so scenes without it are what they always were. */
    private static final long VARIETY_STREAM = 0xC2B2AE3D27D4EB4FL;

    private static final ShapeKind[] SHAPES = ShapeKind.values();
    private static final ObjectColour[] COLOURS = ObjectColour.values();

    private final int size;
    private final Phrasing phrasing;
    private final SceneVariety variety;

    /** The default scenes: {@link SceneVariety#NONE}. */
    public SceneGenerator(int size, Phrasing phrasing) {
        this(size, phrasing, SceneVariety.NONE);
    }

    public SceneGenerator(int size, Phrasing phrasing, SceneVariety variety) {
        if (size < 16) {
            throw new IllegalArgumentException("scene size must be at least 16 pixels, got " + size);
        }
        this.size = size;
        this.phrasing = phrasing;
        this.variety = Objects.requireNonNull(variety, "variety");
    }

    /** The id of scene {@code index} of {@code seed} in a generated dataset. */
    public static String id(long seed, int index) {
        return String.format("syn-%d-%06d", seed, index);
    }

    /** The id of manifest line {@code line} (from 0) of scene {@code index}: the scene's id, then {@code ID-2}, ... */
    public static String lineId(long seed, int index, int line) {
        return line == 0 ? id(seed, index) : id(seed, index) + "-" + (line + 1);
    }

    /** Scene {@code index} of {@code seed} and up to {@code instructionsPerScene - 1} more lines about its image. */
    public List<Scene> lines(long seed, int index, int instructionsPerScene) {
        Scene s = scene(seed, index);
        List<Scene> lines = new ArrayList<>(List.of(s));
        lines.addAll(moreInstructions(s, seed, index, instructionsPerScene - 1));
        return lines;
    }

    /** Scene {@code index} of the dataset seeded with {@code seed}. */
    public Scene scene(long seed, int index) {
        long stream = mix64(mix64(seed) + index);
        SplittableRandom rnd = new SplittableRandom(stream);
        SplittableRandom varied = new SplittableRandom(stream ^ VARIETY_STREAM);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Scene s = attempt(rnd, varied);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalStateException("no valid scene after " + MAX_ATTEMPTS + " attempts at size " + size);
    }

    /**
     * Writes {@code count} scenes to {@code out} in the dataset layout (image, mask, edited image as target), with
     * the scene's facts as extra manifest fields: {@code reference}, {@code edit}, {@code objects},
     * {@code background}. With {@code instructionsPerScene} above 1, each scene also gets up to that many lines in
     * all from {@link #moreInstructions} (ids {@code SCENE-2}, {@code SCENE-3}, ...), and every line names its
     * image's id in a {@code scene} field; the first line of each scene is the one a single-instruction dataset
     * with the same seed has.
     *
     * @return the manifest lines written
     */
    public int generate(Path out, int count, long seed, boolean overwrite, PrintStream progress,
                         int instructionsPerScene) {
        if (instructionsPerScene < 1) {
            throw new IllegalArgumentException("instructions per scene must be at least 1, got "
                    + instructionsPerScene);
        }
        int written = 0;
        try (DatasetWriter writer = DatasetWriter.create(out, overwrite);
             ProgressBar bar = new ProgressBar(progress, "generate", count)) {
            for (int i = 0; i < count; i++) {
                List<Scene> lines = lines(seed, i, instructionsPerScene);
                BufferedImage image = lines.get(0).render();
                for (int k = 0; k < lines.size(); k++) {
                    Scene line = lines.get(k);
                    Map<String, Object> facts = new LinkedHashMap<>();
                    facts.put("reference", line.reference().kind());
                    facts.put("edit", line.edit().kind());
                    facts.put("objects", line.objects().size());
                    facts.put("background", line.background().kind().name().toLowerCase());
                    if (instructionsPerScene > 1) {
                        facts.put("scene", id(seed, i));
                    }
                    writer.write(new Example(lineId(seed, i, k), image, line.instruction(), line.targetMask()),
                            line.renderEdited(), facts);
                    written++;
                }
                bar.step(1);
            }
            writer.finish();
        }
        return written;
    }

    /**
     * One try at a scene from the current state of {@code rnd}, with the variety's choices from {@code varied};
     * {@code null} when a constraint failed.
     */
    private Scene attempt(SplittableRandom rnd, SplittableRandom varied) {
        int n = MIN_OBJECTS + rnd.nextInt(MAX_OBJECTS - MIN_OBJECTS + 1);
        ShapeKind shape = SHAPES[rnd.nextInt(SHAPES.length)];
        ObjectColour colour = COLOURS[rnd.nextInt(COLOURS.length)];
        List<SceneObject> specs = new ArrayList<>();
        Reference reference;
        switch (rnd.nextInt(3)) {
            case 0 -> {
                reference = new Reference.ByColour(colour, shape);
                specs.add(spec(shape, colour, randomRadius(rnd), rnd));
                for (int i = 1; i < n; i++) {
                    double u = rnd.nextDouble();
                    ShapeKind s;
                    ObjectColour c;
                    if (u < 0.4) {
                        s = other(SHAPES, shape, rnd);
                        c = colour;
                    } else if (u < 0.8) {
                        s = shape;
                        c = other(COLOURS, colour, rnd);
                    } else {
                        s = SHAPES[rnd.nextInt(SHAPES.length)];
                        c = s == shape ? other(COLOURS, colour, rnd) : COLOURS[rnd.nextInt(COLOURS.length)];
                    }
                    specs.add(spec(s, c, randomRadius(rnd), rnd));
                }
            }
            case 1 -> {
                Reference.Side side = Reference.Side.values()[rnd.nextInt(Reference.Side.values().length)];
                reference = new Reference.ByPosition(shape, side);
                addSameShapeGroup(specs, n, shape, colour, rnd, () -> randomRadius(rnd));
            }
            default -> {
                Reference.Extreme extreme = rnd.nextBoolean() ? Reference.Extreme.LARGEST : Reference.Extreme.SMALLEST;
                reference = new Reference.BySize(shape, extreme);
                double lo = MIN_RADIUS * size;
                double hi = MAX_RADIUS * size;
                boolean largest = extreme == Reference.Extreme.LARGEST;
                double rt = largest ? uniform(rnd, lo * SIZE_RATIO, hi) : uniform(rnd, lo, hi / SIZE_RATIO);
                specs.add(spec(shape, colour, rt, rnd));
                addSameShapeGroup(specs, n, shape, colour, rnd,
                        () -> largest ? uniform(rnd, lo, rt / SIZE_RATIO) : uniform(rnd, rt * SIZE_RATIO, hi));
            }
        }
        List<SceneObject> placed = place(vary(specs, varied), rnd);
        if (placed == null) {
            return null;
        }
        // the target is whichever object the reference names now: scaling may have made another one the largest
        int target = uniqueMatch(reference, placed, size);
        if (target < 0 || !visibleEnough(Scene.visibleAndFullAreas(placed, size), target)) {
            return null;
        }
        Edit edit = randomEdit(placed.get(target), rnd);
        Background background = Background.random(rnd);
        String instruction = phrasing.instruction(reference, edit, rnd);
        boolean textured = switch (variety.background()) {
            case PLAIN -> false;
            case TEXTURED -> true;
            case MIXED -> varied.nextBoolean();
        };
        if (textured) {
            background = Background.textured(varied.nextLong());
        }
        long noiseSeed = variety.noise() > 0 ? varied.nextLong() : 0;
        return new Scene(size, background, placed, target, reference, edit, instruction, variety.noise(), noiseSeed);
    }

    /** The unplaced objects scaled and turned as the variety asks. */
    private List<SceneObject> vary(List<SceneObject> specs, SplittableRandom varied) {
        if (!variety.scales() && !variety.rotate()) {
            return specs;
        }
        List<SceneObject> out = new ArrayList<>(specs.size());
        for (SceneObject s : specs) {
            double radius = variety.scales() ? s.radius() * uniform(varied, variety.minScale(), variety.maxScale())
                    : s.radius();
            double angle = variety.rotate() ? varied.nextDouble(2 * Math.PI) : 0;
            out.add(new SceneObject(s.shape(), s.colour(), s.cx(), s.cy(), radius, s.rgb(), angle));
        }
        return out;
    }

    private static Edit randomEdit(SceneObject target, SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> new Edit.Recolour(other(COLOURS, target.colour(), rnd));
            case 1 -> new Edit.Remove();
            case 2 -> new Edit.Replace(other(SHAPES, target.shape(), rnd));
            default -> new Edit.AddHat();
        };
    }

    /**
     * Up to {@code extra} more instructions about the image of scene {@code index} of {@code seed}, each about a
     * different object than the scene's own target and each other, by a reference only that object satisfies under
     * the same margins. Same image, other answers: a network can only get all of them right by reading the
     * instruction. Fewer come back when the scene has fewer such objects.
     */
    public List<Scene> moreInstructions(Scene scene, long seed, int index, int extra) {
        SplittableRandom rnd = new SplittableRandom(mix64(mix64(seed) + index) ^ EXTRA_STREAM);
        List<SceneObject> objects = scene.objects();
        Set<Reference> candidates = new LinkedHashSet<>();
        for (SceneObject o : objects) {
            candidates.add(new Reference.ByColour(o.colour(), o.shape()));
            for (Reference.Side side : Reference.Side.values()) {
                candidates.add(new Reference.ByPosition(o.shape(), side));
            }
            for (Reference.Extreme extreme : Reference.Extreme.values()) {
                candidates.add(new Reference.BySize(o.shape(), extreme));
            }
        }
        List<Reference> distinct = new ArrayList<>(candidates);
        shuffle(distinct, rnd);
        int[][] areas = Scene.visibleAndFullAreas(objects, size);
        Set<Integer> taken = new HashSet<>(List.of(scene.target()));
        List<Scene> more = new ArrayList<>();
        for (Reference reference : distinct) {
            if (more.size() == extra) {
                break;
            }
            int target = uniqueMatch(reference, objects, size);
            if (target >= 0 && !taken.contains(target) && visibleEnough(areas, target)) {
                taken.add(target);
                Edit edit = randomEdit(objects.get(target), rnd);
                more.add(new Scene(size, scene.background(), objects, target, reference, edit,
                        phrasing.instruction(reference, edit, rnd), scene.noise(), scene.noiseSeed()));
            }
        }
        return more;
    }

    /**
     * Fills {@code specs} up to {@code n} objects: same-shape objects (at least two with any already there) with
     * radii from {@code radius}, and the rest of other shapes. Colours repeat often so colour alone does not tell.
     */
    private void addSameShapeGroup(List<SceneObject> specs, int n, ShapeKind shape, ObjectColour colour,
                                   SplittableRandom rnd, DoubleSupplier radius) {
        int sameShape = 2 + rnd.nextInt(n - 1);
        while (specs.size() < sameShape) {
            specs.add(spec(shape, sharedOrRandom(colour, rnd), radius.getAsDouble(), rnd));
        }
        while (specs.size() < n) {
            specs.add(spec(other(SHAPES, shape, rnd), sharedOrRandom(colour, rnd), randomRadius(rnd), rnd));
        }
    }

    private static ObjectColour sharedOrRandom(ObjectColour colour, SplittableRandom rnd) {
        return rnd.nextDouble() < 0.4 ? colour : COLOURS[rnd.nextInt(COLOURS.length)];
    }

    /** An unplaced object: position is decided by {@link #place}. */
    private static SceneObject spec(ShapeKind shape, ObjectColour colour, double radius, SplittableRandom rnd) {
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int v = ((colour.rgb() >> shift) & 0xFF) + rnd.nextInt(-COLOUR_JITTER, COLOUR_JITTER + 1);
            rgb |= Background.clamp(v) << shift;
        }
        return new SceneObject(shape, colour, 0, 0, radius, rgb);
    }

    /** Random non-crowding positions in a random drawing order, or {@code null} when the objects do not fit. */
    private List<SceneObject> place(List<SceneObject> specs, SplittableRandom rnd) {
        List<SceneObject> placed = new ArrayList<>();
        for (SceneObject s : specs) {
            SceneObject p = null;
            for (int t = 0; t < PLACEMENT_TRIES && p == null; t++) {
                double r = s.radius();
                SceneObject candidate = s.at(uniform(rnd, r, size - r), uniform(rnd, r, size - r));
                if (placed.stream().allMatch(o -> Math.hypot(o.cx() - candidate.cx(), o.cy() - candidate.cy())
                        >= MIN_CENTRE_DISTANCE * (o.radius() + candidate.radius()))) {
                    p = candidate;
                }
            }
            if (p == null) {
                return null;
            }
            placed.add(p);
        }
        shuffle(placed, rnd);
        return placed;
    }

    /** Fisher-Yates, with the generator's own random stream (so scenes depend only on seed and index). */
    private static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }

    /** @param areas {@link Scene#visibleAndFullAreas} of the scene's objects */
    private static boolean visibleEnough(int[][] areas, int target) {
        for (int i = 0; i < areas.length; i++) {
            int visible = areas[i][0];
            int full = areas[i][1];
            double needed = i == target ? MIN_VISIBLE_TARGET : MIN_VISIBLE_OTHER;
            if (full == 0 || visible < needed * full) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the only object {@code reference} names under this generator's margins, or -1 when none or
     * several do.
     */
    public static int uniqueMatch(Reference reference, List<SceneObject> objects, int size) {
        if (reference instanceof Reference.ByColour c) {
            int found = -1;
            for (int i = 0; i < objects.size(); i++) {
                SceneObject o = objects.get(i);
                if (o.shape() == c.shape() && o.colour() == c.colour()) {
                    if (found >= 0) {
                        return -1;
                    }
                    found = i;
                }
            }
            return found;
        }
        if (reference instanceof Reference.ByPosition p) {
            return extremeByMargin(objects, p.shape(), p.side()::score, POSITION_MARGIN * size);
        }
        Reference.BySize s = (Reference.BySize) reference;
        // compared in log space, so "ahead by a ratio" becomes "ahead by a difference"; the slack absorbs rounding
        // of radii drawn exactly at the ratio
        double sign = s.extreme() == Reference.Extreme.LARGEST ? 1 : -1;
        return extremeByMargin(objects, s.shape(), o -> sign * Math.log(o.radius()), Math.log(SIZE_RATIO) - 1e-9);
    }

    /** The object of {@code shape} with the highest score if it leads the next one by {@code minLead}, else -1. */
    private static int extremeByMargin(List<SceneObject> objects, ShapeKind shape, ToDoubleFunction<SceneObject> score,
                                       double minLead) {
        List<Integer> same = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i).shape() == shape) {
                same.add(i);
            }
        }
        if (same.size() < 2) {
            return -1;
        }
        same.sort(Comparator.comparingDouble((Integer i) -> score.applyAsDouble(objects.get(i))).reversed());
        double best = score.applyAsDouble(objects.get(same.get(0)));
        double next = score.applyAsDouble(objects.get(same.get(1)));
        return best - next >= minLead ? same.get(0) : -1;
    }

    private static <T> T other(T[] values, T not, SplittableRandom rnd) {
        T v;
        do {
            v = values[rnd.nextInt(values.length)];
        } while (v.equals(not));
        return v;
    }

    private double randomRadius(SplittableRandom rnd) {
        return uniform(rnd, MIN_RADIUS * size, MAX_RADIUS * size);
    }

    private static double uniform(SplittableRandom rnd, double lo, double hi) {
        return lo + rnd.nextDouble() * (hi - lo);
    }

    /** MurmurHash3's 64-bit finaliser: neighbouring (seed, index) pairs get unrelated random streams. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb53a87e5ec4bL;
        return z ^ (z >>> 33);
    }
}
