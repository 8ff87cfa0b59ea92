package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetReader;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {

    @Test
    void writesAReadableDatasetAndRefusesBadOptions(@TempDir Path tmp) {
        Path out = tmp.resolve("syn");
        assertEquals(0, Main.commandLine().execute("generate", "--out", out.toString(), "--count", "6",
                "--size", "32", "--seed", "3", "--phrasing", "paraphrase"));
        Dataset d = DatasetReader.read(out, false);
        assertEquals(6, d.size());
        assertTrue(d.examples().stream().allMatch(e -> e.image().getWidth() == 32 && e.mask().area() > 0));

        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("generate", "--out", out.toString(), "--count", "6"));
        assertTrue(err.toString().contains("already holds a dataset"), err.toString());
        assertEquals(2, cl.execute("generate", "--out", tmp.resolve("x").toString(), "--phrasing", "poetic"));
        assertTrue(err.toString().contains("--phrasing must be"), err.toString());
    }

    @Test
    void variesTheScenesOnRequestAndRefusesOptionsOutOfBounds(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("varied");
        assertEquals(0, Main.commandLine().execute("generate", "--out", out.toString(), "--count", "6", "--size", "32",
                "--background", "textured", "--rotate", "--object-scale", "0.6-1.4", "--noise", "8"));
        Dataset d = DatasetReader.read(out, false);
        assertEquals(6, d.size());
        assertTrue(d.examples().stream().allMatch(e -> e.mask().area() > 0));
        List<String> manifest = Files.readAllLines(out.resolve("manifest.jsonl"));
        assertTrue(manifest.stream().allMatch(l -> l.contains("\"background\":\"textured\"")), manifest.toString());

        Map<List<String>, String> refused = new LinkedHashMap<>();
        refused.put(List.of("--background", "stripes"), "--background must be 'plain', 'textured' or 'mixed'");
        refused.put(List.of("--object-scale", "1.2"), "--object-scale must be MIN-MAX");
        refused.put(List.of("--object-scale", "-1-1"), "--object-scale must be MIN-MAX");
        refused.put(List.of("--object-scale", "1.4-0.6"), "bounds swapped: write the smaller factor first (0.6-1.4)");
        refused.put(List.of("--object-scale", "0.2-1"), "must lie within 0.5-2.0");
        refused.put(List.of("--object-scale", "1-3"), "must lie within 0.5-2.0");
        refused.put(List.of("--noise", "-1"), "--noise must be from 0 (none) to 64.0");
        refused.put(List.of("--noise", "100"), "--noise must be from 0 (none) to 64.0");
        refused.put(List.of("--noise", "NaN"), "--noise must be from 0 (none) to 64.0");
        refused.forEach((args, message) -> {
            StringWriter err = new StringWriter();
            var cl = Main.commandLine();
            cl.setErr(new PrintWriter(err));
            List<String> line = new ArrayList<>(List.of("generate", "--out", tmp.resolve("refused").toString()));
            line.addAll(args);
            assertEquals(2, cl.execute(line.toArray(String[]::new)), args.toString());
            assertTrue(err.toString().contains(message), args + ": " + err);
        });
        assertTrue(Files.notExists(tmp.resolve("refused")), "nothing written for a refused option");
    }
}
