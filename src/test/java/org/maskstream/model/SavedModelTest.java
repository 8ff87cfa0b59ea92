package org.maskstream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavedModelTest {
    @TempDir
    Path dir;

    private final List<Example> examples = TinyScenes.generate(4, 32, 11);

    /** A randomly initialized tiny model saved to {@code dir}. */
    private void saveTiny(Fusion fusion, Decoder decoder) {
        Engine.getInstance().setRandomSeed(5);
        MaskNet net = MaskNet.build(MaskNetTest.tinyConfig(fusion, decoder, examples));
        try (NDManager manager = NDManager.newBaseManager()) {
            net.initialize(manager, DataType.FLOAT32, net.inputShapes(1));
            SavedModel.save(net, Map.of("note", "untrained"), dir);
        }
    }

    private static List<float[]> predict(MaskModel model, List<Example> examples) {
        return model.predict(examples.stream().map(Example::image).toList(),
                examples.stream().map(Example::instruction).toList());
    }

    @Test
    void aReloadedModelPredictsExactlyWhatTheFirstLoadDid() {
        saveTiny(Fusion.XATTN, Decoder.UNET);
        try (MaskModel first = SavedModel.load(dir); MaskModel second = SavedModel.load(dir)) {
            List<float[]> a = predict(first, examples);
            List<float[]> b = predict(second, examples);
            assertEquals(examples.size(), a.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(32 * 32, a.get(i).length);
                assertArrayEquals(a.get(i), b.get(i));
            }
            assertEquals(SavedModel.sha256(dir).substring(0, 12), first.version());
            assertEquals(first.version(), SavedModel.version(dir), "the version read without loading");
            assertEquals(32, first.inputSize());
            assertEquals(0.5f, first.threshold());
        }
    }

    @Test
    void savingTheLoadedParametersAgainGivesTheSameHash() throws IOException {
        saveTiny(Fusion.CONCAT, Decoder.UPCONV);
        String hash = SavedModel.sha256(dir);
        assertEquals(SavedModel.hashOf(dir.resolve(SavedModel.PARAMETERS)), hash);
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskNet net = SavedModel.loadNet(dir, manager);
            Path copy = dir.resolveSibling(dir.getFileName() + "-copy");
            try {
                SavedModel.save(net, Map.of(), copy);
                assertEquals(hash, SavedModel.sha256(copy));
            } finally {
                for (String f : List.of(SavedModel.PARAMETERS, SavedModel.HASH, SavedModel.CONFIG,
                        SavedModel.METRICS)) {
                    Files.deleteIfExists(copy.resolve(f));
                }
                Files.deleteIfExists(copy);
            }
        }
    }

    @Test
    void aChangedParameterFileIsRefusedWithTheReason() throws IOException {
        saveTiny(Fusion.XATTN, Decoder.UNET);
        Path parameters = dir.resolve(SavedModel.PARAMETERS);
        byte[] bytes = Files.readAllBytes(parameters);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(parameters, bytes);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains("does not match its recorded SHA-256"), e.getMessage());
    }

    @Test
    void parametersOfAnotherNetworkAreRefusedWithAHintToRetrain() throws IOException {
        saveTiny(Fusion.XATTN, Decoder.UNET);
        // what an older version's folder looks like to this one: an intact parameter file that fits another network
        Path config = dir.resolve(SavedModel.CONFIG);
        String json = Files.readString(config);
        String deeper = json.replaceFirst("\"layers\"\\s*:\\s*1", "\"layers\" : 2");
        assertNotEquals(json, deeper, "the tiny config has one fusion layer");
        Files.writeString(config, deeper);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> SavedModel.load(dir));
        assertTrue(e.getMessage().contains("saved by an older maskstream") && e.getMessage().contains("train it"
                + " again"), e.getMessage());
    }

    @Test
    void aFolderWithoutAModelIsRefusedWithTheReason() {
        InvalidModelException missing = assertThrows(InvalidModelException.class,
                () -> SavedModel.load(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        InvalidModelException empty = assertThrows(InvalidModelException.class, () -> SavedModel.load(dir));
        assertTrue(empty.getMessage().contains("has no config.json"), empty.getMessage());
    }

    @Test
    void theConfigNamesEverythingNeededToRebuildTheNetwork() throws IOException {
        saveTiny(Fusion.OUTER, Decoder.UPCONV);
        String json = Files.readString(dir.resolve(SavedModel.CONFIG));
        for (String key : List.of("\"fusion\" : \"outer\"", "\"decoder\" : \"upconv\"", "\"imageEncoder\" : \"scratch\"",
                "\"textEncoder\" : \"scratch\"", "\"inputSize\" : 32", "\"threshold\" : 0.5", "\"<unk>\"")) {
            assertTrue(json.contains(key), key + " missing from " + json);
        }
        assertEquals(MaskNetTest.tinyConfig(Fusion.OUTER, Decoder.UPCONV, examples), SavedModel.config(dir));
    }
}
