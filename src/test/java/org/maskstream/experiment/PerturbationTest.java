package org.maskstream.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each perturbation of the robustness report does what its name says, to the test examples only. */
class PerturbationTest {
    private static final int SIZE = 64;
    private static final long SEED = 3;
    private static Perturbation.TestScenes test;

    @BeforeAll
    static void scenes() {
        test = Perturbation.TestScenes.generate(SIZE, SEED, 40);
    }

    private static List<Example> apply(Perturbation p) {
        return p.apply(test, SEED).examples();
    }

    @Test
    void cleanIsTheGeneratedTestSet() {
        List<Example> expected = SyntheticSplits.scenes(SIZE, Phrasing.NORMAL, SEED, 40);
        List<Example> clean = apply(Perturbation.CLEAN);
        for (int i = 0; i < clean.size(); i++) {
            assertEquals(expected.get(i).instruction(), clean.get(i).instruction());
            assertEquals(expected.get(i).mask(), clean.get(i).mask());
            assertArrayEquals(Images.argb(expected.get(i).image()), Images.argb(clean.get(i).image()));
        }
    }

    @Test
    void everyPerturbationIsDeterministicAndKeepsOneExamplePerScene() {
        for (Perturbation p : Perturbation.values()) {
            List<Example> a = apply(p);
            List<Example> b = p.apply(test, SEED).examples();
            assertEquals(test.clean().size(), a.size(), p.name());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(a.get(i).instruction(), b.get(i).instruction(), p.name());
                assertEquals(a.get(i).mask(), b.get(i).mask(), p.name());
                assertArrayEquals(Images.argb(a.get(i).image()), Images.argb(b.get(i).image()), p.name());
            }
        }
    }

    @Test
    void imageCorruptionsChangePixelsButNotSizeMaskOrInstruction() {
        for (Perturbation p : List.of(Perturbation.NOISE, Perturbation.BLUR, Perturbation.JPEG)) {
            List<Example> out = apply(p);
            int changed = 0;
            for (int i = 0; i < out.size(); i++) {
                Example clean = test.clean().get(i);
                Example e = out.get(i);
                assertEquals(SIZE, e.image().getWidth(), p.name());
                assertEquals(SIZE, e.image().getHeight(), p.name());
                assertEquals(clean.mask(), e.mask(), p.name());
                assertEquals(clean.instruction(), e.instruction(), p.name());
                changed += Arrays.equals(Images.argb(clean.image()), Images.argb(e.image())) ? 0 : 1;
            }
            assertEquals(out.size(), changed, p.name() + " changes every image");
        }
        assertNotEquals(Arrays.hashCode(Images.argb(apply(Perturbation.NOISE).get(0).image())),
                Arrays.hashCode(Images.argb(Perturbation.NOISE.apply(test, SEED + 1).examples().get(0).image())),
                "another seed, other noise");
    }

    @Test
    void texturedBackgroundReplacesOnlyPixelsNoObjectCovers() {
        List<Example> out = apply(Perturbation.TEXTURED_BACKGROUND);
        long background = 0;
        long changedBackground = 0;
        for (int i = 0; i < out.size(); i++) {
            Scene scene = test.scenes().get(i);
            int[] before = Images.argb(test.clean().get(i).image());
            int[] after = Images.argb(out.get(i).image());
            boolean[] objects = scene.objectsMask().pixels();
            for (int p = 0; p < before.length; p++) {
                if (objects[p]) {
                    assertEquals(before[p], after[p], "object pixel " + p + " of scene " + i);
                } else {
                    background++;
                    changedBackground += before[p] == after[p] ? 0 : 1;
                    int r = (after[p] >> 16) & 0xFF;
                    int g = (after[p] >> 8) & 0xFF;
                    int b = after[p] & 0xFF;
                    int chroma = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
                    assertTrue(chroma <= 44, "a muted texture, not a named colour: chroma " + chroma);
                }
            }
            assertEquals(test.clean().get(i).mask(), out.get(i).mask());
        }
        assertTrue(changedBackground > 0.9 * background, changedBackground + " of " + background);
    }

    @Test
    void rotationTurnsImageAndMaskTogetherAndKeepsTheInstructionTrue() {
        Perturbation.Perturbed rotated = Perturbation.ROTATION.apply(test, SEED);
        int turned = 0;
        for (int i = 0; i < rotated.examples().size(); i++) {
            Example clean = test.clean().get(i);
            Example e = rotated.examples().get(i);
            assertEquals(clean.instruction(), e.instruction());
            int targetRgb = test.scenes().get(i).targetObject().rgb();
            boolean uniqueColour = test.scenes().get(i).objects().stream().filter(o -> o.rgb() == targetRgb)
                    .count() == 1;
            int[] px = Images.argb(e.image());
            boolean[] mask = e.mask().pixels();
            for (int p = 0; p < px.length; p++) {
                if (mask[p]) {
                    assertEquals(targetRgb, px[p] & 0xFFFFFF, "masked pixel " + p + " of scene " + i);
                } else if (uniqueColour) {
                    assertNotEquals(targetRgb, px[p] & 0xFFFFFF, "unmasked target pixel " + p + " of scene " + i);
                }
            }
            assertTrue(e.mask().area() >= 0.95 * clean.mask().area() - 1);
            turned += e.mask().equals(clean.mask()) ? 0 : 1;
        }
        assertEquals(rotated.examples().size() - rotated.unchanged(), turned);
        assertTrue(rotated.unchanged() < rotated.examples().size() / 4, rotated.unchanged() + " unrotated");
    }

    @Test
    void otherInputSizesResizeImageAndMask() {
        for (Perturbation p : List.of(Perturbation.INPUT_128, Perturbation.INPUT_32)) {
            int side = p == Perturbation.INPUT_128 ? 128 : 32;
            List<Example> out = apply(p);
            for (int i = 0; i < out.size(); i++) {
                Example e = out.get(i);
                assertEquals(side, e.image().getWidth());
                assertEquals(side, e.image().getHeight());
                assertEquals(side, e.mask().width());
                Mask clean = test.clean().get(i).mask();
                assertEquals(clean.resizeByCoverage(side, side), e.mask(), "truth by coverage, as the image");
                double scaled = clean.area() * (side / (double) SIZE) * (side / (double) SIZE);
                assertEquals(scaled, e.mask().area(), 0.25 * scaled + 4, p + " scene " + i);
                assertEquals(test.clean().get(i).instruction(), e.instruction());
            }
        }
    }

    @Test
    void paraphraseDescribesTheSameScenesWithUnseenWords() {
        List<Example> out = apply(Perturbation.PARAPHRASE);
        List<Example> expected = SyntheticSplits.scenes(SIZE, Phrasing.PARAPHRASE, SEED, 40);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(expected.get(i).instruction(), out.get(i).instruction());
            assertNotEquals(test.clean().get(i).instruction(), out.get(i).instruction());
            assertEquals(test.clean().get(i).mask(), out.get(i).mask());
            assertArrayEquals(Images.argb(test.clean().get(i).image()), Images.argb(out.get(i).image()));
        }
    }

    @Test
    void anotherScenesInstructionIsADerangement() {
        for (int n : List.of(2, 3, 17, 100)) {
            int[] p = Perturbation.derangement(n, new SplittableRandom(n));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                assertNotEquals(i, p[i], "fixed point at " + i);
                assertTrue(seen.add(p[i]), "used twice: " + p[i]);
            }
        }
        List<Example> out = apply(Perturbation.OTHER_INSTRUCTION);
        List<String> clean = test.clean().stream().map(Example::instruction).sorted().toList();
        assertEquals(clean, out.stream().map(Example::instruction).sorted().toList(), "each instruction once");
        long same = 0;
        for (int i = 0; i < out.size(); i++) {
            same += out.get(i).instruction().equals(test.clean().get(i).instruction()) ? 1 : 0;
            assertEquals(test.clean().get(i).mask(), out.get(i).mask());
        }
        assertFalse(same > 2, same + " scenes kept an instruction equal to their own");
    }
}
