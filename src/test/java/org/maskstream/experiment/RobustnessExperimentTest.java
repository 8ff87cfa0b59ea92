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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code experiment robustness --quick} end to end: every perturbation gets its row (the numbers mean nothing). */
class RobustnessExperimentTest {

    @Test
    void quickRunWritesARowPerPerturbation(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err))
                .execute("experiment", "robustness", "--quick", "--seeds", "2", "--augment", "--out", out.toString());
        assertEquals(0, code, err.toString());
        assertFalse(Files.exists(out.resolve("robustness.md")), "the quick run never writes the full report");

        JsonNode json = Json.MAPPER.readTree(out.resolve("robustness-quick.json").toFile());
        String command = json.get("command").asText();
        assertEquals("bin/maskstream experiment robustness --quick --seeds 2 --augment",
                command.replaceAll(" --threads \\d+", ""));
        String md = Files.readString(out.resolve("robustness-quick.md"));
        assertTrue(md.contains(command), md);
        assertEquals(2, json.get("arms").size(), "defaults and augmented");
        assertEquals("augmented", json.get("arms").get(1).get("arm").asText());
        assertEquals(List.of("noise", "blur", "jpeg", "texture"), Json.MAPPER.convertValue(
                json.get("arms").get(1).get("models").get(0).get("options").get("augmentations"), List.class));
        for (Perturbation p : Perturbation.values()) {
            assertTrue(json.get("perturbations").has(p.key()), p.key());
        }
        for (JsonNode arm : json.get("arms")) {
            checkArm(arm, md);
        }
    }

    private static void checkArm(JsonNode arm, String md) {
        assertEquals(2, arm.get("models").size());
        JsonNode rows = arm.get("rows");
        assertEquals(Perturbation.values().length, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Perturbation p = Perturbation.values()[i];
            assertEquals(p.key(), rows.get(i).get("perturbation").asText());
            assertEquals(2, rows.get(i).get("fg_iou_per_seed").size(), p.key());
            assertTrue(md.lines().anyMatch(l -> l.startsWith("| " + p.label() + " | ") && l.matches(".*\\d\\.\\d{3}.*")),
                    p.label() + " row in\n" + md);
        }
        for (JsonNode model : arm.get("models")) {
            assertTrue(model.get("train_seconds").asDouble() > 0);
            assertEquals(Perturbation.values().length, model.get("scores").size());
        }
    }
}
