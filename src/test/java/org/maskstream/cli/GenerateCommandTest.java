package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetReader;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
}
