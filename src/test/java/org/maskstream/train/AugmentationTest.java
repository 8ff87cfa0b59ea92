package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.Corruptions;
import org.maskstream.data.synth.ObjectColour;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.model.Decoder;
import org.maskstream.model.ImagePixels;
import org.maskstream.model.PreparedExample;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {
    private static final int SIZE = 32;

    /** A generated scene's prepared pixels plus one extra plane standing for a prior, and its mask. */
    private static PreparedExample example(int index) {
        Scene s = new SceneGenerator(SIZE, Phrasing.NORMAL).scene(5, index);
        float[] rgb = ImagePixels.chw(s.render(), SIZE);
        float[] image = Arrays.copyOf(rgb, rgb.length + SIZE * SIZE);
        Arrays.fill(image, rgb.length, image.length, 0.25f);
        float[] mask = new float[SIZE * SIZE];
        boolean[] px = s.targetMask().pixels();
        for (int i = 0; i < px.length; i++) {
            mask[i] = px[i] ? 1 : 0;
        }
        return new PreparedExample(image, null, mask);
    }

    @Test
    void eachPhotometricOneChangesPixelsOfAboutHalfTheExamplesAndNeverTheMaskOrTheExtraPlanes() {
        for (Augmentation a : Augmentation.values()) {
            if (a == Augmentation.ROTATION) {
                continue;
            }
            Random random = new Random(7);
            int changed = 0;
            for (int i = 0; i < 40; i++) {
                PreparedExample e = example(i);
                PreparedExample out = a.maybeApply(e, SIZE, Augmentation.probability(1), random);
                assertSame(e.mask(), out.mask(), a.id());
                assertEquals(e.image().length, out.image().length, a.id());
                int rgb = 3 * SIZE * SIZE;
                assertArrayEquals(Arrays.copyOfRange(e.image(), rgb, e.image().length),
                        Arrays.copyOfRange(out.image(), rgb, out.image().length), a.id() + " keeps the prior planes");
                changed += Arrays.equals(e.image(), out.image()) ? 0 : 1;
            }
            assertTrue(changed >= 10 && changed <= 30, a.id() + " changed " + changed + " of 40");
        }
    }

    @Test
    void halfTheExamplesStayCleanWhateverTheNumberOfAugmentations() {
        for (int n = 1; n <= Augmentation.values().length; n++) {
            assertEquals(0.5, Math.pow(1 - Augmentation.probability(n), n), 1e-12, n + " augmentations");
        }
    }

    @Test
    void colourJitterAtItsLimitsKeepsEveryGeneratorColourNearestToItsOwnName() {
        for (ObjectColour colour : ObjectColour.values()) {
            BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
            one.setRGB(0, 0, colour.rgb());
            for (float hue : new float[] {-8, 8}) {
                for (float scale : new float[] {0.8f, 1.2f}) {
                    int jittered = Corruptions.colourJitter(one, hue, scale, scale).getRGB(0, 0) & 0xFFFFFF;
                    assertEquals(colour, nearestByHue(jittered), colour + " at hue " + hue + ", scale " + scale);
                }
            }
        }
    }

    private static ObjectColour nearestByHue(int rgb) {
        float hue = hue(rgb);
        ObjectColour best = null;
        double bestDistance = Double.MAX_VALUE;
        for (ObjectColour c : ObjectColour.values()) {
            double d = Math.abs(hue - hue(c.rgb()));
            d = Math.min(d, 1 - d);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static float hue(int rgb) {
        return java.awt.Color.RGBtoHSB((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF, null)[0];
    }

    @Test
    void resolutionKeepsTheSizeAndChangesDetail() {
        PreparedExample e = example(2);
        PreparedExample out = Augmentation.RESOLUTION.maybeApply(e, SIZE, 1, new Random(4));
        assertEquals(e.image().length, out.image().length);
        assertFalse(Arrays.equals(e.image(), out.image()));
        assertEquals(List.of(Augmentation.NOISE, Augmentation.BLUR, Augmentation.JPEG, Augmentation.TEXTURE,
                Augmentation.ROTATION), Augmentation.DEFAULTS, "the defaults are the measured five");
    }

    /**
     * Every value of the input is unique, so each output pixel shows which input pixel it came from: the mask and
     * the extra plane must have come from the same one as the colours.
     */
    @Test
    void rotationTurnsEveryPlaneAndTheMaskTogether() {
        int plane = SIZE * SIZE;
        float[] image = new float[4 * plane];
        for (int i = 0; i < image.length; i++) {
            image[i] = i;
        }
        PreparedExample e = example(3);
        PreparedExample in = new PreparedExample(image, null, e.mask());
        Random random = new Random(9);
        int turned = 0;
        for (int n = 0; n < 10; n++) {
            PreparedExample out = Augmentation.ROTATION.maybeApply(in, SIZE, 1, random);
            int moved = 0;
            for (int i = 0; i < plane; i++) {
                int from = (int) out.image()[i];
                assertTrue(from >= 0 && from < plane, "pixel " + i + " from " + from);
                moved += from == i ? 0 : 1;
                for (int p = 1; p < 4; p++) {
                    assertEquals(p * plane + from, (int) out.image()[p * plane + i], "plane " + p + ", pixel " + i);
                }
                assertEquals(in.mask()[from], out.mask()[i], "mask pixel " + i);
            }
            // the centre pixel stays put under any turn; a turn of over a degree moves most of the others
            assertEquals(plane / 2 + SIZE / 2, (int) out.image()[plane / 2 + SIZE / 2]);
            turned += moved > plane / 2 ? 1 : 0;
        }
        assertTrue(turned >= 8, turned + " of 10 turns moved most pixels");
        assertSame(in, Augmentation.ROTATION.maybeApply(in, SIZE, 0, random), "probability 0 leaves it alone");
        PreparedExample unlabeled = new PreparedExample(image, null, null);
        assertEquals(null, Augmentation.ROTATION.maybeApply(unlabeled, SIZE, 1, random).mask());
    }

    @Test
    void sameSeedSameAugmentation() {
        for (Augmentation a : Augmentation.values()) {
            Random one = new Random(3);
            Random two = new Random(3);
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(a.maybeApply(example(i), SIZE, 0.5, one).image(),
                        a.maybeApply(example(i), SIZE, 0.5, two).image(), a.id());
            }
        }
    }

    @Test
    void textureReplacesTheMutedBackgroundAndKeepsTheObjects() {
        Random random = new Random(11);
        int changedBackground = 0;
        int background = 0;
        for (int i = 0; i < 20; i++) {
            PreparedExample e = example(i);
            PreparedExample out = Augmentation.TEXTURE.maybeApply(e, SIZE, 1, random);
            if (Arrays.equals(e.image(), out.image())) {
                continue;
            }
            Scene s = new SceneGenerator(SIZE, Phrasing.NORMAL).scene(5, i);
            boolean[] objects = s.objectsMask().pixels();
            int plane = SIZE * SIZE;
            for (int p = 0; p < plane; p++) {
                boolean same = e.image()[p] == out.image()[p] && e.image()[plane + p] == out.image()[plane + p]
                        && e.image()[2 * plane + p] == out.image()[2 * plane + p];
                if (objects[p]) {
                    assertTrue(same, "object pixel " + p + " of scene " + i);
                } else {
                    background++;
                    changedBackground += same ? 0 : 1;
                }
            }
        }
        assertTrue(background > 0);
        assertTrue(changedBackground > 0.9 * background, changedBackground + " of " + background);
    }

    @Test
    void optionsNameTheChoicesAndNeedTheScratchEncoder() {
        assertEquals(Augmentation.JPEG, Augmentation.parse(" JPEG "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse("sepia"));
        assertTrue(e.getMessage().contains("noise"), e.getMessage());
        assertEquals(List.of(Augmentation.NOISE), TrainOptions.builder()
                .augmentations(List.of(Augmentation.NOISE, Augmentation.NOISE)).build().augmentations());
        IllegalArgumentException frozen = assertThrows(IllegalArgumentException.class, () -> TrainOptions.builder()
                .model(m -> m.imageEncoder("mobilenet:/nowhere.onnx").decoder(Decoder.UPCONV))
                .augmentations(List.of(Augmentation.BLUR)).build());
        assertTrue(frozen.getMessage().contains("--augment"), frozen.getMessage());
    }
}
