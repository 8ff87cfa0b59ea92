package org.maskstream.data.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.maskstream.data.Corruptions;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.data.synth.SceneGeneratorTest.ParsedReference;
import org.maskstream.data.synth.SceneVariety.Backdrop;

import java.awt.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.maskstream.data.synth.SceneGeneratorTest.files;

class SceneVarietyTest {
    private static final int SIZE = 64;
    private static final int SCENES = 300;
    private static final SceneGenerator PLAIN = new SceneGenerator(SIZE, Phrasing.NORMAL);
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static SceneGenerator generator(Backdrop background, boolean rotate, double min, double max,
                                            double noise) {
        return new SceneGenerator(SIZE, Phrasing.NORMAL, new SceneVariety(background, rotate, min, max, noise));
    }

    /**
     * Content hashes of two default datasets, computed on the commit before these options existed (5a4d4a5): every
     * manifest byte and every pixel of every image, mask and target. Pixels rather than PNG bytes, so a JDK whose
     * PNG encoder compresses differently does not fail a dataset whose content is the same.
     */
    @Test
    void withoutOptionsTheDatasetIsTheOneWrittenBeforeThem(@TempDir Path tmp) throws Exception {
        new SceneGenerator(48, Phrasing.NORMAL).generate(tmp.resolve("d"), 40, 7, false, QUIET, 2);
        new SceneGenerator(48, Phrasing.NORMAL, SceneVariety.NONE).generate(tmp.resolve("n"), 40, 7, false, QUIET, 2);
        new SceneGenerator(32, Phrasing.PARAPHRASE).generate(tmp.resolve("p"), 20, 3, false, QUIET, 1);
        String before = "dd59157484d1876fc2ad5499cd41235f9a7c0f15d407100e366ca4bd416557f2";
        assertEquals(before, contentHash(tmp.resolve("d")));
        assertEquals(before, contentHash(tmp.resolve("n")));
        assertEquals("d42683d98f2c3e74a21ec9aa9e02f202fac9550eee0d882eb6e65c8c37ead38d",
                contentHash(tmp.resolve("p")));
    }

    static Stream<SceneVariety> varieties() {
        return Stream.of(new SceneVariety(Backdrop.TEXTURED, false, 1, 1, 0),
                new SceneVariety(Backdrop.MIXED, false, 1, 1, 0),
                new SceneVariety(Backdrop.PLAIN, true, 1, 1, 0),
                new SceneVariety(Backdrop.PLAIN, false, 0.6, 1.4, 0),
                new SceneVariety(Backdrop.PLAIN, false, 1, 1, 12),
                new SceneVariety(Backdrop.MIXED, true, 0.5, 2, 64));
    }

    @ParameterizedTest
    @MethodSource("varieties")
    void eachOptionGivesTheSameFilesForTheSameSeedAndChangesTheImages(SceneVariety variety, @TempDir Path tmp)
            throws IOException {
        SceneGenerator gen = new SceneGenerator(32, Phrasing.NORMAL, variety);
        gen.generate(tmp.resolve("a"), 12, 5, false, QUIET, 2);
        gen.generate(tmp.resolve("b"), 12, 5, false, QUIET, 2);
        new SceneGenerator(32, Phrasing.NORMAL).generate(tmp.resolve("plain"), 12, 5, false, QUIET, 2);
        Map<String, byte[]> a = files(tmp.resolve("a"));
        Map<String, byte[]> b = files(tmp.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name));
        Map<String, byte[]> plain = files(tmp.resolve("plain"));
        long changed = a.keySet().stream().filter(n -> n.startsWith("images/") && plain.containsKey(n)
                && !java.util.Arrays.equals(a.get(n), plain.get(n))).count();
        assertTrue(changed >= 4, variety + " changed only " + changed + " of the images");
    }

    @Test
    void texturedBackgroundReplacesOnlyWhatNoObjectCovers() {
        SceneGenerator textured = generator(Backdrop.TEXTURED, false, 1, 1, 0);
        Set<Integer> firstPixels = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            Scene p = PLAIN.scene(4, i);
            Scene t = textured.scene(4, i);
            assertEquals(Background.Kind.TEXTURED, t.background().kind());
            assertEquals(new Scene(SIZE, p.background(), t.objects(), t.target(), t.reference(), t.edit(),
                    t.instruction()), p, "scene " + i + ": the same objects, instruction and target");
            assertEquals(p.targetMask(), t.targetMask());
            int[] texture = Images.argb(t.renderBackground());
            assertArrayEquals(Images.argb(Corruptions.replaceBackground(p.render(), p.objectsMask(), texture)),
                    Images.argb(t.render()), "scene " + i + ": objects drawn as before, the texture elsewhere");
            Set<Integer> colours = new HashSet<>();
            for (int px : texture) {
                colours.add(px & 0xFFFFFF);
            }
            assertTrue(colours.size() > 10, "scene " + i + ": a texture, not a flat colour: " + colours.size());
            firstPixels.add(texture[0]);
            if (t.edit() instanceof Edit.Remove) {
                int[] edited = Images.argb(t.renderEdited());
                boolean[] mask = t.targetMask().pixels();
                List<SceneObject> others = new ArrayList<>(t.objects());
                others.remove(t.target());
                boolean[] underneath = new Scene(SIZE, t.background(), others, 0, t.reference(), t.edit(),
                        t.instruction()).objectsMask().pixels();
                for (int k = 0; k < mask.length; k++) {
                    if (mask[k] && !underneath[k]) {
                        assertEquals(texture[k], edited[k], "scene " + i + ": a removed object shows the texture");
                    }
                }
            }
        }
        assertTrue(firstPixels.size() > 50, "every scene its own texture: " + firstPixels.size());
    }

    @Test
    void mixedTexturesAboutHalfTheScenesAndLeavesTheOthersAsTheyWere() {
        SceneGenerator mixed = generator(Backdrop.MIXED, false, 1, 1, 0);
        int textured = 0;
        for (int i = 0; i < 200; i++) {
            Scene m = mixed.scene(6, i);
            if (m.background().kind() == Background.Kind.TEXTURED) {
                textured++;
            } else {
                assertEquals(PLAIN.scene(6, i), m, "scene " + i);
            }
        }
        assertTrue(textured >= 70 && textured <= 130, textured + " of 200 textured");
    }

    @Test
    void rotationTurnsEachObjectAndItsMaskAlike() {
        SceneGenerator turned = generator(Backdrop.PLAIN, true, 1, 1, 0);
        int turnedTargets = 0;
        Set<Double> angles = new HashSet<>();
        for (int i = 0; i < SCENES; i++) {
            Scene s = turned.scene(8, i);
            SceneObject t = s.targetObject();
            for (SceneObject o : s.objects()) {
                assertTrue(o.angle() >= 0 && o.angle() < 2 * Math.PI, "angle " + o.angle());
                angles.add(o.angle());
            }
            Mask mask = s.targetMask();
            int[] image = Images.argb(s.render());
            boolean sameRgbElsewhere = s.objects().stream().filter(o -> o != t).anyMatch(o -> o.rgb() == t.rgb());
            for (int k = 0; k < image.length; k++) {
                boolean inMask = mask.pixels()[k];
                boolean targetColour = (image[k] & 0xFFFFFF) == t.rgb();
                assertTrue(!inMask || targetColour, "scene " + i + ": a mask pixel not in the target's colour");
                assertTrue(inMask || !targetColour || sameRgbElsewhere,
                        "scene " + i + ": the target's colour outside its mask");
            }
            // independently of Java2D's turned path: a pixel is the object's when its centre, turned back about the
            // object's centre, lies in the upright shape
            Shape upright = t.shape().outline(t.cx(), t.cy(), t.radius());
            boolean[] alone = Scene.coverage(t.outline(), SIZE);
            int disagree = 0;
            int area = 0;
            double c = Math.cos(-t.angle());
            double sn = Math.sin(-t.angle());
            // every pixel of the shape lies within 1.2 radii of its centre (a square's corner at 1.13)
            int reach = (int) Math.ceil(1.2 * t.radius()) + 1;
            for (int y = Math.max(0, (int) t.cy() - reach); y < Math.min(SIZE, (int) t.cy() + reach); y++) {
                for (int x = Math.max(0, (int) t.cx() - reach); x < Math.min(SIZE, (int) t.cx() + reach); x++) {
                    double dx = x + 0.5 - t.cx();
                    double dy = y + 0.5 - t.cy();
                    boolean back = upright.contains(t.cx() + c * dx - sn * dy, t.cy() + sn * dx + c * dy);
                    disagree += back != alone[y * SIZE + x] ? 1 : 0;
                    area += alone[y * SIZE + x] ? 1 : 0;
                }
            }
            assertTrue(disagree <= 2, "scene " + i + ": " + disagree + " pixels differ from the turned shape");
            assertTrue(mask.area() >= SceneGenerator.MIN_VISIBLE_TARGET * area, "scene " + i + ": target hidden");
            if (t.shape() != ShapeKind.CIRCLE && !java.util.Arrays.equals(alone, Scene.coverage(upright, SIZE))) {
                turnedTargets++;
            }
        }
        assertTrue(angles.size() > 3 * SCENES, "every object its own angle: " + angles.size());
        assertTrue(turnedTargets > SCENES / 2, "rotation shows in " + turnedTargets + " targets");
    }

    @Test
    void instructionsStayTrueOfTheTurnedAndScaledScene() {
        SceneGenerator varied = generator(Backdrop.PLAIN, true, 0.6, 1.4, 0);
        int bySize = 0;
        int byPosition = 0;
        for (int i = 0; i < SCENES; i++) {
            Scene s = varied.scene(10, i);
            List<Scene> lines = new ArrayList<>(List.of(s));
            lines.addAll(varied.moreInstructions(s, 10, i, 2));
            for (Scene line : lines) {
                assertEquals(List.of(line.targetObject()), ParsedReference.parse(line.instruction(), Phrasing.NORMAL)
                        .resolve(line.objects(), SIZE), "scene " + i + " '" + line.instruction() + "'");
                // and on the pixels: the named object is the extreme one as drawn
                if (line.reference() instanceof Reference.BySize z) {
                    bySize++;
                    double sign = z.extreme() == Reference.Extreme.LARGEST ? 1 : -1;
                    assertLeads(line, z.shape(), o -> sign * Scene.visibleAndFullAreas(List.of(o), SIZE)[0][1], 1,
                            "area");
                }
                if (line.reference() instanceof Reference.ByPosition p) {
                    byPosition++;
                    assertLeads(line, p.shape(), o -> p.side().score(centroid(o)),
                            SceneGenerator.POSITION_MARGIN * SIZE - 1.5, "centroid");
                }
            }
        }
        assertTrue(bySize > 50 && byPosition > 50, bySize + " size and " + byPosition + " position references");
    }

    @Test
    void scaleMultipliesEveryRadiusByAFactorFromTheRange() {
        SceneGenerator fixed = generator(Backdrop.PLAIN, false, 1.3, 1.3, 0);
        SceneGenerator spread = generator(Backdrop.PLAIN, false, 0.6, 1.4, 0);
        double lo = SceneGenerator.MIN_RADIUS * SIZE;
        double hi = SceneGenerator.MAX_RADIUS * SIZE;
        int below = 0;
        int above = 0;
        for (int i = 0; i < SCENES; i++) {
            for (SceneObject o : fixed.scene(12, i).objects()) {
                assertTrue(o.radius() >= 1.3 * lo - 1e-9 && o.radius() <= 1.3 * hi + 1e-9, "radius " + o.radius());
            }
            for (SceneObject o : spread.scene(12, i).objects()) {
                assertTrue(o.radius() >= 0.6 * lo - 1e-9 && o.radius() <= 1.4 * hi + 1e-9, "radius " + o.radius());
                below += o.radius() < lo ? 1 : 0;
                above += o.radius() > hi ? 1 : 0;
            }
        }
        assertTrue(below > 50 && above > 50, below + " objects below and " + above + " above the default radii");
    }

    @Test
    void noiseChangesThePixelsOfBothImagesAlikeAndNotTheMask() {
        double sigma = 10;
        SceneGenerator noisy = generator(Backdrop.PLAIN, false, 1, 1, sigma);
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (int i = 0; i < 40; i++) {
            Scene p = PLAIN.scene(14, i);
            Scene s = noisy.scene(14, i);
            assertEquals(sigma, s.noise());
            assertEquals(p, new Scene(SIZE, s.background(), s.objects(), s.target(), s.reference(), s.edit(),
                    s.instruction()), "scene " + i + ": the same scene under the noise");
            assertEquals(p.targetMask(), s.targetMask());
            int[] clean = Images.argb(p.render());
            int[] image = Images.argb(s.render());
            int[] cleanEdited = Images.argb(p.renderEdited());
            int[] edited = Images.argb(s.renderEdited());
            boolean[] objects = p.objectsMask().pixels();
            for (int k = 0; k < image.length; k++) {
                if (clean[k] == cleanEdited[k]) {
                    assertEquals(image[k], edited[k], "scene " + i + ": the same noise where the edit changed nothing");
                }
                if (!objects[k]) {
                    // muted backgrounds sit far from 0 and 255, so the noise is not clipped there
                    for (int shift = 16; shift >= 0; shift -= 8) {
                        int d = ((image[k] >> shift) & 0xFF) - ((clean[k] >> shift) & 0xFF);
                        sum += d;
                        squares += d * d;
                        n++;
                    }
                }
            }
        }
        double mean = sum / n;
        double sd = Math.sqrt(squares / n - mean * mean);
        assertTrue(Math.abs(mean) < 0.3 && Math.abs(sd - sigma) < 0.5, "noise mean " + mean + ", sd " + sd);
    }

    @Test
    void refusesVarietyOutOfBounds() {
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 0.4, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 1, 2.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 1.4, 0.6, 0));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, Double.NaN, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 1, 1, 64.5));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(Backdrop.PLAIN, false, 1, 1,
                Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SceneVariety(null, false, 1, 1, 0));
    }

    /** The object of {@code shape} {@code line} names leads every other one of its shape by {@code lead}. */
    private static void assertLeads(Scene line, ShapeKind shape, java.util.function.ToDoubleFunction<SceneObject> score,
                                    double lead, String what) {
        double best = score.applyAsDouble(line.targetObject());
        for (SceneObject o : line.objects()) {
            if (o != line.targetObject() && o.shape() == shape) {
                assertTrue(best - score.applyAsDouble(o) >= lead, "'" + line.instruction() + "': " + what + " "
                        + best + " against " + score.applyAsDouble(o));
            }
        }
    }

    /** The centre of the object's pixels as drawn alone, in an object of its own at that point. */
    private static SceneObject centroid(SceneObject o) {
        boolean[] px = Scene.coverage(o.outline(), SIZE);
        double x = 0;
        double y = 0;
        int count = 0;
        for (int k = 0; k < px.length; k++) {
            if (px[k]) {
                x += k % SIZE + 0.5;
                y += k / SIZE + 0.5;
                count++;
            }
        }
        return o.at(x / count, y / count);
    }

    private static String contentHash(Path dir) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, byte[]> f : files(dir).entrySet()) {
            sha.update((f.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
            if (f.getKey().endsWith(".png")) {
                for (int px : Images.argb(Images.decode(f.getValue()))) {
                    sha.update(new byte[] {(byte) (px >> 24), (byte) (px >> 16), (byte) (px >> 8), (byte) px});
                }
            } else {
                sha.update(f.getValue());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
