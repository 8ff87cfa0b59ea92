package org.maskstream.data.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.maskstream.data.Mask;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneGeneratorTest {
    private static final int SIZE = 64;
    private static final int SCENES = 400;

    @Test
    void sameSeedGivesIdenticalFilesAndAnotherSeedDifferentOnes(@TempDir Path tmp) throws IOException {
        SceneGenerator gen = new SceneGenerator(32, Phrasing.NORMAL);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        gen.generate(tmp.resolve("a"), 25, 7, false, quiet, 1);
        gen.generate(tmp.resolve("b"), 25, 7, false, quiet, 1);
        gen.generate(tmp.resolve("c"), 25, 8, false, quiet, 1);
        Map<String, byte[]> a = files(tmp.resolve("a"));
        Map<String, byte[]> b = files(tmp.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        assertEquals(1 + 3 * 25, a.size(), "manifest + image, mask, target per scene");
        a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name));
        Map<String, byte[]> c = files(tmp.resolve("c"));
        long differing = java.util.stream.IntStream.range(0, 25)
                .filter(i -> !java.util.Arrays.equals(a.get("images/" + SceneGenerator.id(7, i) + ".png"),
                        c.get("images/" + SceneGenerator.id(8, i) + ".png"))).count();
        assertTrue(differing >= 24, "seed 8 should change nearly every image, changed " + differing);
    }

    @Test
    void sceneDependsOnlyOnSeedAndIndex() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        Scene s = gen.scene(3, 17);
        assertEquals(s, gen.scene(3, 17));
        assertNotEquals(s, gen.scene(3, 18));
        assertNotEquals(s, gen.scene(4, 17));
    }

    @Test
    void maskIsTheVisibleSilhouetteOfTheTargetInTheImage() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(11, i);
            Mask mask = s.targetMask();
            BufferedImage image = s.render();
            // the target drawn alone, in an otherwise empty scene
            Scene alone = new Scene(SIZE, s.background(), List.of(s.targetObject()), 0, s.reference(), s.edit(),
                    s.instruction());
            Mask full = alone.targetMask();
            int inside = 0;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    if (mask.get(x, y)) {
                        assertTrue(full.get(x, y), "scene " + i + ": mask pixel outside the target's own silhouette");
                        assertEquals(s.targetObject().rgb(), image.getRGB(x, y) & 0xFFFFFF,
                                "scene " + i + ": a mask pixel is not drawn in the target's colour");
                        inside++;
                    }
                }
            }
            assertTrue(inside >= SceneGenerator.MIN_VISIBLE_TARGET * full.area() && inside > 0,
                    "scene " + i + ": target hidden too much, " + inside + " of " + full.area() + " visible");
        }
    }

    @ParameterizedTest
    @EnumSource(Phrasing.class)
    void everyInstructionResolvesToExactlyTheMaskedObject(Phrasing phrasing) {
        SceneGenerator gen = new SceneGenerator(SIZE, phrasing);
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(5, i);
            ParsedReference ref = ParsedReference.parse(s.instruction(), phrasing);
            assertEquals(List.of(s.targetObject()), ref.resolve(s.objects(), SIZE),
                    "scene " + i + " '" + s.instruction() + "' in " + s.objects());
        }
    }

    @Test
    void moreInstructionsNameOtherObjectsOfTheSameImageEachUnambiguously() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        int extras = 0;
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(5, i);
            List<Scene> more = gen.moreInstructions(s, 5, i, 3);
            assertEquals(more, gen.moreInstructions(s, 5, i, 3), "deterministic");
            assertTrue(more.size() <= 3);
            Set<Integer> targets = new HashSet<>(List.of(s.target()));
            for (Scene m : more) {
                assertEquals(s.objects(), m.objects(), "the same image");
                assertEquals(s.background(), m.background(), "the same image");
                assertTrue(targets.add(m.target()), "scene " + i + ": each instruction names another object");
                ParsedReference ref = ParsedReference.parse(m.instruction(), Phrasing.NORMAL);
                assertEquals(List.of(m.targetObject()), ref.resolve(m.objects(), SIZE),
                        "scene " + i + " '" + m.instruction() + "' in " + m.objects());
            }
            extras += more.size();
        }
        assertTrue(extras > SCENES * 3 / 2, "most scenes have two more nameable objects: " + extras);
    }

    @Test
    void severalInstructionsPerSceneShareTheImageAndKeepTheFirstLine(@TempDir Path tmp) throws IOException {
        SceneGenerator gen = new SceneGenerator(32, Phrasing.NORMAL);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        gen.generate(tmp.resolve("one"), 6, 9, false, quiet, 1);
        gen.generate(tmp.resolve("three"), 6, 9, false, quiet, 3);
        List<String> one = Files.readAllLines(tmp.resolve("one/manifest.jsonl"));
        List<String> three = Files.readAllLines(tmp.resolve("three/manifest.jsonl"));
        assertTrue(three.size() > 6 && three.size() <= 18, three.size() + " lines");
        for (String line : one) {
            String id = line.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            String withScene = line.replace("}", ",\"scene\":\"" + id + "\"}");
            assertTrue(three.contains(withScene), "the single-instruction line, with its scene: " + withScene);
            List<String> sameScene = three.stream().filter(l -> l.contains("\"scene\":\"" + id + "\"")).toList();
            for (String l : sameScene) {
                String otherId = l.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
                assertTrue(otherId.equals(id) || otherId.matches(id + "-[23]"), otherId);
                assertArrayEquals(Files.readAllBytes(tmp.resolve("three/images/" + id + ".png")),
                        Files.readAllBytes(tmp.resolve("three/images/" + otherId + ".png")), "one image per scene");
            }
        }
    }

    @Test
    void mirroredSceneWithMirroredInstructionStillNamesTheTarget() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        int horizontal = 0;
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(9, i);
            List<SceneObject> mirrored = s.objects().stream().map(o -> new SceneObject(o.shape(), o.colour(),
                    SIZE - o.cx(), o.cy(), o.radius(), o.rgb())).toList();
            String instruction = Phrasing.mirrorLeftRight(s.instruction());
            assertEquals(List.of(mirrored.get(s.target())),
                    ParsedReference.parse(instruction, Phrasing.NORMAL).resolve(mirrored, SIZE), instruction);
            if (s.reference() instanceof Reference.ByPosition p && p.side().horizontal()) {
                horizontal++;
                assertNotEquals(s.instruction(), instruction);
            }
        }
        assertTrue(horizontal > 20, "too few left/right references to test: " + horizontal);
        assertEquals("erase the westmost disc", Phrasing.mirrorLeftRight("erase the eastmost disc"));
        assertEquals("Make the square on the right red", Phrasing.mirrorLeftRight("Make the square on the left red"));
    }

    @Test
    void distractorsShareTheTargetsColourOrShapeInMostScenes() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        int sharing = 0;
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(13, i);
            SceneObject t = s.targetObject();
            boolean shares = false;
            for (int j = 0; j < s.objects().size(); j++) {
                SceneObject o = s.objects().get(j);
                shares |= j != s.target() && (o.colour() == t.colour() || o.shape() == t.shape());
            }
            sharing += shares ? 1 : 0;
        }
        assertTrue(sharing >= 0.8 * SCENES, "only " + sharing + " of " + SCENES + " scenes have a confusable distractor");
    }

    @Test
    void coversEveryKindOfSceneAndWording() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        Set<String> seen = new HashSet<>();
        Set<Integer> counts = new HashSet<>();
        Set<String> sentences = new HashSet<>();
        EnumSet<ShapeKind> shapes = EnumSet.noneOf(ShapeKind.class);
        EnumSet<ObjectColour> colours = EnumSet.noneOf(ObjectColour.class);
        for (int i = 0; i < SCENES; i++) {
            Scene s = gen.scene(21, i);
            seen.add(s.reference().kind());
            seen.add(s.edit().kind());
            seen.add(s.background().kind().name());
            if (s.reference() instanceof Reference.ByPosition p) {
                seen.add(p.side().name());
            }
            if (s.reference() instanceof Reference.BySize z) {
                seen.add(z.extreme().name());
            }
            counts.add(s.objects().size());
            shapes.add(s.targetObject().shape());
            colours.add(s.targetObject().colour());
            sentences.add(s.instruction().replaceAll("\\b(red|green|blue|yellow|purple|orange|circle|square|triangle"
                    + "|star|left|right|top|bottom|largest|biggest|smallest)\\b", "_"));
        }
        assertEquals(Set.of("colour", "position", "size", "recolour", "remove", "replace", "hat", "FLAT", "GRADIENT",
                "NOISE", "LEFT", "RIGHT", "TOP", "BOTTOM", "LARGEST", "SMALLEST"), seen);
        assertEquals(Set.of(2, 3, 4, 5, 6), counts);
        assertEquals(EnumSet.allOf(ShapeKind.class), shapes);
        assertEquals(EnumSet.allOf(ObjectColour.class), colours);
        assertTrue(sentences.size() >= 30, "only " + sentences.size() + " sentence patterns: " + sentences);
    }

    @Test
    void paraphraseWordsNeverOccurInNormalInstructions() {
        Set<String> normal = Phrasing.NORMAL.vocabulary();
        Set<String> paraphrase = Phrasing.PARAPHRASE.contentWords();
        assertTrue(paraphrase.size() > 40, "paraphrase vocabulary is too small: " + paraphrase);
        for (String w : paraphrase) {
            assertTrue(!normal.contains(w), "'" + w + "' is in both phrasings");
        }
        // the vocabularies are honest: every generated word is in its phrasing's vocabulary
        for (Phrasing p : Phrasing.values()) {
            SceneGenerator gen = new SceneGenerator(SIZE, p);
            for (int i = 0; i < SCENES; i++) {
                for (String w : Phrasing.tokens(gen.scene(2, i).instruction())) {
                    assertTrue(p.vocabulary().contains(w), p + " emitted '" + w + "' outside its vocabulary");
                }
            }
        }
    }

    @Test
    void twoThousandScenesAtSixtyFourPixelsRenderInSeconds() {
        SceneGenerator gen = new SceneGenerator(SIZE, Phrasing.NORMAL);
        long start = System.nanoTime();
        for (int i = 0; i < 2000; i++) {
            Scene s = gen.scene(1, i);
            assertNotNull(s.render());
            assertNotNull(s.targetMask());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // generous for a loaded 2-core CI machine; typically well under a second
        assertTrue(seconds < 20, "2000 scenes took " + seconds + " s");
    }

    /** Every file under {@code dir} by its path relative to it, {@code /}-separated. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }

    /**
     * An independent reading of an instruction, from the phrasing's word meanings only: the reference's shape is the
     * first shape word, a colour word right before it makes a colour reference, any side or extreme word makes a
     * position or size reference.
     */
    record ParsedReference(ShapeKind shape, ObjectColour colour, Reference.Side side, Reference.Extreme extreme) {
        static ParsedReference parse(String instruction, Phrasing phrasing) {
            List<String> words = Phrasing.tokens(instruction);
            int at = -1;
            for (int i = 0; i < words.size() && at < 0; i++) {
                at = phrasing.shapeWords().containsKey(words.get(i)) ? i : -1;
            }
            assertTrue(at >= 0, "no shape word in '" + instruction + "'");
            ObjectColour colour = at > 0 ? phrasing.colourWords().get(words.get(at - 1)) : null;
            List<Reference.Side> sides = new ArrayList<>();
            List<Reference.Extreme> extremes = new ArrayList<>();
            for (String w : words) {
                if (phrasing.sideWords().containsKey(w)) {
                    sides.add(phrasing.sideWords().get(w));
                }
                if (phrasing.extremeWords().containsKey(w)) {
                    extremes.add(phrasing.extremeWords().get(w));
                }
            }
            int kinds = (colour != null ? 1 : 0) + sides.size() + extremes.size();
            assertEquals(1, kinds, "'" + instruction + "' should name exactly one of colour, side, size");
            return new ParsedReference(phrasing.shapeWords().get(words.get(at)), colour,
                    sides.isEmpty() ? null : sides.get(0), extremes.isEmpty() ? null : extremes.get(0));
        }

        /** The objects this reference clearly names (margins as documented by the generator). */
        List<SceneObject> resolve(List<SceneObject> objects, int size) {
            List<SceneObject> sameShape = objects.stream().filter(o -> o.shape() == shape).toList();
            if (colour != null) {
                return sameShape.stream().filter(o -> o.colour() == colour).toList();
            }
            if (sameShape.size() < 2) {
                return List.of();
            }
            List<SceneObject> sorted = new ArrayList<>(sameShape);
            if (side != null) {
                sorted.sort(java.util.Comparator.comparingDouble(o -> switch (side) {
                    case LEFT -> o.cx();
                    case RIGHT -> -o.cx();
                    case TOP -> o.cy();
                    case BOTTOM -> -o.cy();
                }));
                double gap = side.horizontal() ? Math.abs(sorted.get(1).cx() - sorted.get(0).cx())
                        : Math.abs(sorted.get(1).cy() - sorted.get(0).cy());
                return gap >= 0.1 * size ? List.of(sorted.get(0)) : List.of();
            }
            sorted.sort(java.util.Comparator.comparingDouble(o -> extreme == Reference.Extreme.LARGEST
                    ? -o.radius() : o.radius()));
            double ratio = Math.max(sorted.get(0).radius(), sorted.get(1).radius())
                    / Math.min(sorted.get(0).radius(), sorted.get(1).radius());
            return ratio >= 1.35 - 1e-9 ? List.of(sorted.get(0)) : List.of();
        }
    }
}
