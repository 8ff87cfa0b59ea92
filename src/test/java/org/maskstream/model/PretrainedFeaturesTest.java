package org.maskstream.model;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frozen ONNX encoders, offline: MiniLM from the class path, MobileNetV2 from ../shared when present. */
class PretrainedFeaturesTest {
    static final Path MOBILENET = Path.of("../shared/models/mobilenet-v2-int8/mobilenet_v2_int8_features.onnx");

    static void assumeMobileNet() {
        Assumptions.assumeTrue(Files.isRegularFile(MOBILENET), "skipped: " + MOBILENET.toAbsolutePath()
                + " is absent (tests look for ../shared/models/mobilenet-v2-int8/ beside the project root)");
    }

    @Test
    void miniLmGivesPerTokenStatesWithAMaskThatIgnoresPadding() {
        FrozenTextModel lm = FrozenTextModel.minilm();
        List<String> sentences = List.of("remove the cat", "put some fries on the plate next to the burger", "hi");
        FrozenTextModel.TokenStates batch = lm.encode(sentences, 32);
        int[] lengths = sentences.stream().mapToInt(s -> lm.tokenIds(s, 32).length).toArray();
        int longest = Math.max(lengths[0], Math.max(lengths[1], lengths[2]));
        assertEquals(3, batch.batch());
        assertEquals(longest, batch.tokens());
        assertEquals(3 * longest * FrozenTextModel.DIM, batch.states().length);
        assertEquals(3, lengths[2], "[CLS] hi [SEP]");
        for (int b = 0; b < 3; b++) {
            for (int t = 0; t < longest; t++) {
                assertEquals(t < lengths[b] ? 1f : 0f, batch.mask()[b * longest + t], "mask of sentence " + b);
            }
        }
        // With a correct attention mask, padding does not change a sentence's states: compare with it alone.
        for (int b = 0; b < 3; b++) {
            FrozenTextModel.TokenStates alone = lm.encode(List.of(sentences.get(b)), 32);
            assertEquals(lengths[b], alone.tokens());
            for (int k = 0; k < lengths[b] * FrozenTextModel.DIM; k++) {
                assertEquals(alone.states()[k], batch.states()[b * longest * FrozenTextModel.DIM + k], 1e-4,
                        "sentence " + b + " value " + k);
            }
        }
    }

    @Test
    void miniLmCutsLongSentencesAndKeepsTheClosingSeparator() {
        FrozenTextModel lm = FrozenTextModel.minilm();
        long[] full = lm.tokenIds("make the small red circle on the far left of the picture blue", 64);
        long[] cut = lm.tokenIds("make the small red circle on the far left of the picture blue", 6);
        assertEquals(6, cut.length);
        assertArrayEquals(java.util.Arrays.copyOf(full, 5), java.util.Arrays.copyOf(cut, 5));
        assertEquals(full[full.length - 1], cut[5]);
    }

    @Test
    void mobileNetGivesItsTwoFeatureMaps() {
        assumeMobileNet();
        MobileNet net = MobileNet.shared(MOBILENET);
        BufferedImage red = filled(Color.RED, 64, 48);
        BufferedImage blue = filled(Color.BLUE, 300, 300);
        MobileNet.FeatureMaps maps = net.features(List.of(red, blue));
        assertEquals(2, maps.batch());
        assertEquals(2 * 96 * 14 * 14, maps.mid().length);
        assertEquals(2 * 1280 * 7 * 7, maps.last().length);
        // Different images give different features; the same image the same ones.
        int half = maps.last().length / 2;
        double diff = 0;
        for (int i = 0; i < half; i++) {
            diff += Math.abs(maps.last()[i] - maps.last()[half + i]);
        }
        assertTrue(diff > 1, "red and blue images gave the same features");
        assertArrayEquals(java.util.Arrays.copyOf(maps.mid(), 96 * 14 * 14),
                net.features(List.of(red)).mid(), 1e-5f);
    }

    @Test
    void aMissingMobileNetFileIsNamedInTheError() {
        Path absent = Path.of("no-such-dir/mobilenet.onnx");
        MissingEncoderException e = assertThrows(MissingEncoderException.class, () -> MobileNet.shared(absent));
        assertTrue(e.getMessage().contains("no-such-dir/mobilenet.onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("mobilenet-v2-int8"), e.getMessage());
    }

    static BufferedImage filled(Color colour, int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }
}
