package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.pretrained.PretrainedFiles;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ModelsCommandTest {
    @TempDir
    Path dir;

    private int run(StringBuilder out, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return cl.execute(args);
        } finally {
            System.setOut(saved);
            out.append(bytes.toString(StandardCharsets.UTF_8)).append(err);
        }
    }

    @Test
    void listsWhatIsMissingAndFetchesFromALocalFolderOffline() throws Exception {
        String cache = dir.resolve("cache").toString();
        StringBuilder out = new StringBuilder();
        assertEquals(1, run(out, "models", "--cache", cache, "--from", dir.resolve("nothing").toString()));
        assertTrue(out.toString().contains("MISSING: pretrained file ssd_mobilenet_v2_fpnlite_10_256_int8.onnx"),
                out.toString());
        assertTrue(out.toString().contains("4 of 4 pretrained files missing"), out.toString());

        out.setLength(0);
        assertEquals(2, run(out, "models", "sam.onnx"));
        assertTrue(out.toString().contains("no pretrained file is called 'sam.onnx'"), out.toString());

        Path shared = Path.of("..", "shared", "models");
        assumeTrue(Files.isDirectory(shared), "needs ../shared/models");
        out.setLength(0);
        assertEquals(0, run(out, "models", "--fetch", "--offline", "--cache", cache, "--from", shared.toString(),
                "labels_coco_dataset_80.txt"));
        assertTrue(out.toString().contains("labels_coco_dataset_80.txt: copied from"), out.toString());
        assertEquals(-1L, Files.mismatch(shared.resolve(PretrainedFiles.COCO_LABELS.relativePath()),
                dir.resolve("cache").resolve(PretrainedFiles.COCO_LABELS.relativePath())));
    }
}
