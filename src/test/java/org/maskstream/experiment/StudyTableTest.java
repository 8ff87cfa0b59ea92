package org.maskstream.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.cli.Main;
import org.maskstream.util.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code experiment study-table --quick} end to end, as CI's smoke test of the study pipeline. */
class StudyTableTest {

    @Test
    void quickRunWritesEveryRowWithItsMetrics(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err))
                .execute("experiment", "study-table", "--quick", "--out", out.toString());
        assertEquals(0, code, err.toString());

        JsonNode json = Json.MAPPER.readTree(out.resolve("study-table-quick.json").toFile());
        String command = json.get("command").asText();
        assertTrue(command.startsWith("bin/maskstream experiment study-table --quick"), command);
        JsonNode rows = json.get("rows");
        assertEquals(StudyTable.VARIANTS.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertEquals(StudyTable.VARIANTS.get(i).name(), row.get("name").asText());
            for (String key : List.of("fg_iou", "pixel_iou", "miou", "dice")) {
                double v = row.get(key).asDouble();
                assertTrue(v >= 0 && v <= 1, key + " of " + row.get("name") + " is " + v);
            }
            assertTrue(row.get("train_seconds").asDouble() > 0);
            assertTrue(row.get("parameters").asLong() > 1000);
            assertEquals(row.get("epochs").asInt(), row.get("val_fg_iou_per_epoch").size());
        }
        assertEquals(2 * rows.get(2).get("epochs").asInt(), rows.get(3).get("epochs").asInt(), "the x2 epochs row");
        assertTrue(json.get("references").has("empty"));

        String md = Files.readString(out.resolve("study-table-quick.md"));
        assertTrue(md.contains(command), md);
        long tableRows = md.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).count();
        assertEquals(StudyTable.VARIANTS.size(), tableRows, md);
        assertTrue(Files.size(out.resolve("study-table-quick-curves.png")) > 1000);
    }
}
