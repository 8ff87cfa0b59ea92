package org.maskstream.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.cli.Main;
import org.maskstream.metrics.IouCounts;
import org.maskstream.util.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code experiment robustness --quick} end to end: every perturbation gets its row (the numbers mean nothing). */
class RobustnessExperimentTest {

    @Test
    void quickRunWritesARowPerPerturbation(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err))
                .execute("experiment", "robustness", "--quick", "--seeds", "2", "--before", "--out", out.toString());
        assertEquals(0, code, err.toString());
        assertFalse(Files.exists(out.resolve("robustness.md")), "the quick run never writes the full report");

        JsonNode json = Json.MAPPER.readTree(out.resolve("robustness-quick.json").toFile());
        String command = json.get("command").asText();
        assertEquals("bin/maskstream experiment robustness --quick --seeds 2 --before",
                command.replaceAll(" --threads \\d+", ""));
        String md = Files.readString(out.resolve("robustness-quick.md"));
        assertTrue(md.contains(command), md);
        assertEquals(2, json.get("arms").size(), "defaults and before");
        assertEquals("before", json.get("arms").get(1).get("arm").asText());
        JsonNode now = json.get("arms").get(0).get("models").get(0).get("options");
        JsonNode before = json.get("arms").get(1).get("models").get(0).get("options");
        assertEquals("default", now.get("augmentations").asText());
        assertEquals(List.of(), Json.MAPPER.convertValue(before.get("augmentations"), List.class));
        assertEquals(List.of(true, false), List.of(now.get("paraphrase").asBoolean(),
                before.get("paraphrase").asBoolean()));
        assertEquals(List.of("loss", "none"), List.of(now.get("curriculum").asText(),
                before.get("curriculum").asText()));
        assertEquals(List.of("e5-small", "scratch"), List.of(now.get("model").get("textEncoder").asText(),
                before.get("model").get("textEncoder").asText()));
        JsonNode speed = json.get("speed");
        assertEquals(4, speed.size());
        for (JsonNode row : speed) {
            assertTrue(row.get("ms_before").asDouble() > 0 && row.get("ms_now").asDouble() > 0, row.toString());
            assertTrue(md.contains("| " + row.get("what").asText() + " | "), row + " in\n" + md);
        }
        for (Perturbation p : Perturbation.values()) {
            assertTrue(json.get("perturbations").has(p.key()), p.key());
        }
        for (JsonNode arm : json.get("arms")) {
            checkArm(arm, md);
        }
        assertEquals(2, md.lines().filter(l -> l.startsWith("**Clean bar")).count(), "one clean-bar line per arm");
        JsonNode vocabulary = json.get("text_encoder_vocabulary");
        assertEquals("e5-small", vocabulary.get("text_encoder").asText());
        assertEquals(4, vocabulary.get("categories").size());
        assertTrue(md.contains("## Does the text encoder know the paraphrase words?"), md);
    }

    @Test
    void cleanBarSentenceNamesTheWorstSeedsGap() {
        assertEquals("**Clean bar (fg IoU >= 0.80 for every seed): 1 of 2 seeds reach it; the worst misses by 0.100.**",
                RobustnessExperiment.cleanBarSentence(List.of(seed(0.85), seed(0.70))));
        assertEquals("**Clean bar (fg IoU >= 0.80 for every seed): met by all 2 seeds.**",
                RobustnessExperiment.cleanBarSentence(List.of(seed(0.80), seed(0.91))));
        RobustnessExperiment.SeedRun diverged = new RobustnessExperiment.SeedRun(3, Map.of(), 1, 1, false, "NaN",
                Map.of(), Map.of(), Map.of(), null);
        assertTrue(RobustnessExperiment.cleanBarSentence(List.of(seed(0.9), diverged)).contains("not met"));
    }

    private static RobustnessExperiment.SeedRun seed(double cleanFgIou) {
        return new RobustnessExperiment.SeedRun(1, Map.of(), 1, 1, false, null,
                Map.of(Perturbation.CLEAN, new IouCounts(1, 1, 0, 0, 0, cleanFgIou, 1, 1)), Map.of(), Map.of(), null);
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
            JsonNode byKind = model.get("scores_by_reference_kind");
            assertEquals(Perturbation.values().length, byKind.size());
            for (Perturbation p : Perturbation.values()) {
                long n = 0;
                for (JsonNode kind : byKind.get(p.key())) {
                    n += kind.get("n").asLong();
                }
                assertEquals(model.get("scores").get(p.key()).get("n").asLong(), n,
                        p.key() + ": the kinds split every example once");
            }
            assertEquals(RobustnessExperiment.JPEG_CURVE.size(), model.get("jpeg_quality_curve").size());
            assertEquals(model.get("scores").get(Perturbation.INPUT_32.key()).get("n").asLong(),
                    model.get("input_32_nearest_truth").get("n").asLong(), "the same 32 px scenes, other truth");
        }
        assertTrue(md.contains("Resized by nearest neighbour instead"), md);
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| perturbation | colour references (")), md);
        assertTrue(md.lines().anyMatch(l -> l.startsWith("| 25 (the perturbation) | ")), md);
    }
}
