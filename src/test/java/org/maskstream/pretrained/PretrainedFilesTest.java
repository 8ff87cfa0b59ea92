package org.maskstream.pretrained;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PretrainedFilesTest {
    private static final byte[] LABELS = "background\nperson\n".getBytes(StandardCharsets.UTF_8);
    private static final Path SHARED = Path.of("..", "shared", "models");

    @TempDir
    Path dir;

    private static PretrainedFile labels(URI origin, String sha256) {
        return new PretrainedFile("labels.txt", "detector", origin, sha256, List.of(), sha256, "test labels");
    }

    private PretrainedFiles files(Path... local) {
        return new PretrainedFiles(dir.resolve("cache"), List.of(local), Duration.ofSeconds(2));
    }

    @Test
    void downloadsChecksTheHashAndCaches() throws Exception {
        Path origin = Files.write(dir.resolve("published.txt"), LABELS);
        PretrainedFile file = labels(origin.toUri(), PretrainedFiles.sha256(LABELS));
        List<String> log = new ArrayList<>();
        Path cached = files().fetch(file, true, log::add);
        assertEquals(dir.resolve("cache/detector/labels.txt"), cached);
        assertArrayEquals(LABELS, Files.readAllBytes(cached));
        assertTrue(log.get(0).contains("downloaded from " + origin.toUri()), log.toString());
        Files.delete(origin);
        assertEquals(cached, files().fetch(file, true, log::add), "the second time from the cache");
        assertEquals(cached, files().find(file));
    }

    @Test
    void aDownloadWithTheWrongHashIsRefusedAndALocalCopyUsedInstead() throws Exception {
        Path origin = Files.write(dir.resolve("published.txt"), "tampered\n".getBytes(StandardCharsets.UTF_8));
        PretrainedFile file = labels(origin.toUri(), PretrainedFiles.sha256(LABELS));
        Path local = dir.resolve("shared");
        Files.createDirectories(local.resolve("detector"));
        Files.write(local.resolve("detector/labels.txt"), LABELS);
        List<String> log = new ArrayList<>();
        Path cached = files(local).fetch(file, true, log::add);
        assertArrayEquals(LABELS, Files.readAllBytes(cached));
        assertTrue(log.get(0).contains("download failed") && log.get(0).contains("expected "
                + PretrainedFiles.sha256(LABELS) + ": refused"), log.toString());
        assertTrue(log.get(1).contains("copied from " + local.resolve("detector/labels.txt")), log.toString());
    }

    @Test
    void withoutNetworkTheLocalFolderIsFoundAndAMissingFileSaysHowToGetIt() throws Exception {
        PretrainedFile file = labels(URI.create("http://127.0.0.1:1/labels.txt"), PretrainedFiles.sha256(LABELS));
        Path local = dir.resolve("shared");
        MissingPretrainedFileException missing = assertThrows(MissingPretrainedFileException.class,
                () -> files(local).fetch(file, true, s -> { }));
        assertTrue(missing.getMessage().contains("'bin/maskstream models --fetch'")
                && missing.getMessage().contains("http://127.0.0.1:1/labels.txt")
                && missing.getMessage().contains("not in " + local.resolve("detector/labels.txt")), missing.getMessage());
        Files.createDirectories(local.resolve("detector"));
        Files.write(local.resolve("detector/labels.txt"), "wrong\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(MissingPretrainedFileException.class, () -> files(local).find(file)).getMessage()
                .contains(local.resolve("detector/labels.txt") + " has the wrong SHA-256"));
        Files.write(local.resolve("detector/labels.txt"), LABELS);
        assertEquals(local.resolve("detector/labels.txt"), files(local).find(file), "found without fetching");
        assertFalse(Files.exists(dir.resolve("cache/detector/labels.txt")));
        long start = System.nanoTime();
        files(local).fetch(file, true, s -> { });
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "an unreachable origin fails fast");
        assertTrue(Files.exists(dir.resolve("cache/detector/labels.txt")));
    }

    @Test
    void thePinnedHashesAreThoseOfTheSharedFiles() {
        assumeTrue(Files.isDirectory(SHARED), "needs ../shared/models");
        PretrainedFiles shared = new PretrainedFiles(dir.resolve("empty-cache"), List.of(SHARED), Duration.ZERO);
        for (PretrainedFile f : PretrainedFiles.ALL) {
            assertEquals(SHARED.resolve(f.relativePath()), shared.find(f), f.name());
        }
        assertEquals(PretrainedFiles.SSD_DETECTOR, PretrainedFiles.byName("ssd_mobilenet_v2_fpnlite_10_256_int8.onnx"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PretrainedFiles.byName("sam.onnx"))
                .getMessage().contains("known are mobilenet_v2_int8_features.onnx"));
    }

    /**
     * The features file is the published MobileNetV2 plus two graph outputs: taking those entries off gives bytes
     * with the published file's pinned hash, and adding them back gives the features file exactly.
     */
    @Test
    void addingTheFeatureOutputsToThePublishedMobileNetGivesTheFeaturesFile() throws Exception {
        Path features = SHARED.resolve(PretrainedFiles.MOBILENET_FEATURES.relativePath());
        assumeTrue(Files.isRegularFile(features), "needs ../shared/models");
        byte[] used = Files.readAllBytes(features);
        int added = OnnxGraphOutputs.entries(PretrainedFiles.MOBILENET_FEATURES.addOutputs()).length;
        byte[] published = OnnxGraphOutputs.editGraph(used, g -> Arrays.copyOf(g, g.length - added));
        assertEquals(PretrainedFiles.MOBILENET_FEATURES.originSha256(), PretrainedFiles.sha256(published));
        assertArrayEquals(used, OnnxGraphOutputs.append(published, PretrainedFiles.MOBILENET_FEATURES.addOutputs()));
        assertThrows(IllegalArgumentException.class, () -> OnnxGraphOutputs.append(LABELS, List.of("x")));
    }
}
