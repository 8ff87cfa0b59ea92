package org.maskstream.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Mask;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxMaskModelTest {
    @TempDir
    Path dir;

    /** 88 x 44, white left of x = 44, black right of it. */
    private static BufferedImage halfWhite() {
        BufferedImage image = new BufferedImage(88, 44, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 44, 44);
        g.dispose();
        return image;
    }

    private static boolean[] leftOf(int split, int width, int height, boolean left) {
        boolean[] px = new boolean[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % width < split) == left;
        }
        return px;
    }

    @Test
    void loadsThroughSavedModelAndPredictsWhatTheInstructionNamesAtTheImagesSize() {
        try (MaskModel model = SavedModel.load(OnnxFixture.folder())) {
            assertInstanceOf(OnnxMaskModel.class, model);
            assertEquals(352, model.inputSize());
            assertEquals(0.5f, model.threshold());
            assertEquals(SavedModel.sha256(OnnxFixture.folder()).substring(0, 12), model.version());
            assertEquals(model.version(), SavedModel.version(OnnxFixture.folder()), "the version read without loading");
            BufferedImage image = halfWhite();
            // one batch, instructions of different token counts
            List<float[]> p = model.predict(List.of(image, image, image),
                    List.of("remove the bright part", "paint the dark side of it black", "change it"));
            assertEquals(3, p.size());
            List<Mask> masks = p.stream().map(q -> ProbabilityMap.toMask(q, 352, model.threshold(), 88, 44)).toList();
            for (Mask m : masks) {
                assertEquals(88, m.width());
                assertEquals(44, m.height());
            }
            assertArrayEquals(leftOf(44, 88, 44, true), masks.get(0).pixels(), "bright: the white half");
            assertArrayEquals(leftOf(44, 88, 44, false), masks.get(1).pixels(), "dark: the black half");
            assertArrayEquals(new boolean[88 * 44], masks.get(2).pixels(), "no bright or dark word: nothing");
            assertEquals(List.of(), model.predict(List.of(), List.of()));
            assertThrows(IllegalArgumentException.class, () -> model.predict(List.of(image), List.of()));
        }
    }

    @Test
    void theHashCoversConfigTokenizerAndGraph() throws Exception {
        Path copy = OnnxFixture.copy(dir.resolve("copy"), c -> c);
        String hash = SavedModel.sha256(copy);
        Process sum = new ProcessBuilder("sh", "-c", "cat config.json tokenizer.json model.onnx | sha256sum")
                .directory(copy.toFile()).start();
        assertEquals(hash + "  -", new String(sum.getInputStream().readAllBytes()).trim(), "what the README says");
        Files.writeString(copy.resolve("tokenizer.json"), "\n", java.nio.file.StandardOpenOption.APPEND);
        assertNotEquals(hash, SavedModel.sha256(copy));
        Path named = OnnxFixture.copy(dir.resolve("named"), c -> with(c, "version", "clipseg-1"));
        try (MaskModel model = SavedModel.load(named)) {
            assertEquals("clipseg-1", model.version());
            assertEquals("clipseg-1", SavedModel.version(named));
        }
    }

    @Test
    void aFolderWhoseInputNamesDifferFromTheGraphsIsRefusedWhenItLoads() {
        Path wrong = OnnxFixture.copy(dir.resolve("wrong-input"), c -> with(c, "inputs",
                Map.of("pixels", "image", "inputIds", "input_ids", "attentionMask", "attention_mask")));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> SavedModel.load(wrong));
        assertTrue(e.getMessage().contains("has inputs [attention_mask, input_ids, pixel_values] but config.json"
                + " names [attention_mask, image, input_ids]"), e.getMessage());
    }

    @Test
    void aGraphWithAnotherOutputShapeOrNameIsRefusedWhenItLoads() throws Exception {
        Path small = OnnxFixture.copy(dir.resolve("small"), c -> c);
        Files.copy(OnnxFixture.smallLogitsGraph(), small.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        InvalidModelException shape = assertThrows(InvalidModelException.class, () -> SavedModel.load(small));
        assertTrue(shape.getMessage().contains("output 'logits' of model.onnx has shape (2, 176, 176) for a batch of"
                + " 2, expected (2, 352, 352)"), shape.getMessage());

        Path otherName = OnnxFixture.copy(dir.resolve("name"), c -> with(c, "output", "masks"));
        InvalidModelException name = assertThrows(InvalidModelException.class, () -> SavedModel.load(otherName));
        assertTrue(name.getMessage().contains("has outputs [logits], not 'masks'"), name.getMessage());
    }

    @Test
    void aBadConfigSaysWhichFieldIsWrong() {
        Path noStd = OnnxFixture.copy(dir.resolve("std"), c -> with(c, "std", List.of(0.2, 0.2)));
        assertTrue(assertThrows(InvalidModelException.class, () -> SavedModel.load(noStd)).getMessage()
                .contains("std must be 3 numbers (R, G, B)"));
        Path outside = OnnxFixture.copy(dir.resolve("outside"), c -> with(c, "model", "../model.onnx"));
        assertTrue(assertThrows(InvalidModelException.class, () -> SavedModel.load(outside)).getMessage()
                .contains("model must be a file name in the model folder"));
        Path typo = OnnxFixture.copy(dir.resolve("typo"), c -> with(c, "treshold", 0.5));
        assertTrue(assertThrows(InvalidModelException.class, () -> SavedModel.load(typo)).getMessage()
                .contains("treshold"));
        Path missing = OnnxFixture.copy(dir.resolve("missing"), c -> with(c, "tokenizer", "vocab.json"));
        assertTrue(assertThrows(InvalidModelException.class, () -> SavedModel.load(missing)).getMessage()
                .contains("has no vocab.json, which its config.json names"));
    }

    @Test
    void anOnnxFolderCannotBeFineTuned() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> SavedModel.config(OnnxFixture.folder()));
        assertTrue(e.getMessage().contains("is of kind onnx") && e.getMessage().contains("cannot fine-tune"),
                e.getMessage());
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            assertThrows(InvalidModelException.class, () -> SavedModel.loadNet(OnnxFixture.folder(), manager));
        }
    }

    private static Map<String, Object> with(Map<String, Object> config, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(config);
        copy.put(key, value);
        return copy;
    }
}
