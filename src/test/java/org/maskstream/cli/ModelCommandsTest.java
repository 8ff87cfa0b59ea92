package org.maskstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.SavedModel;
import org.maskstream.util.Json;
import picocli.CommandLine;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The user path through train, eval and predict on a tiny generated dataset, and their errors. */
class ModelCommandsTest {
    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void trainEvalAndPredictWriteWhatTheySay() throws IOException {
        Path data = tmp.resolve("data");
        Path model = tmp.resolve("model");
        assertEquals(0, run("generate", "--out", data.toString(), "--count", "12", "--size", "48", "--seed", "4"));
        assertEquals(0, run("train", "--data", data.toString(), "--val", data.toString(), "--out", model.toString(),
                "--size", "32", "--dim", "16", "--layers", "1", "--heads", "2", "--epochs", "2", "--batch", "6",
                "--fusion", "concat", "--loss", "bce+iou"), err.toString());
        assertEquals("concat", SavedModel.config(model).fusion().id());
        assertEquals(2, Files.readAllLines(model.resolve("metrics.jsonl")).size());
        assertTrue(Files.isRegularFile(model.resolve("curves.png")));

        Path json = tmp.resolve("eval/metrics.json");
        Path masks = tmp.resolve("masks");
        assertEquals(0, run("eval", "--model", model.toString(), "--data", data.toString(), "--json", json.toString(),
                "--save-masks", masks.toString(), "--by", "reference,objects"), err.toString());
        JsonNode metrics = Json.MAPPER.readTree(json.toFile());
        assertEquals(12, metrics.get("n").asInt());
        for (String field : List.of("reference", "objects")) {
            JsonNode groups = metrics.get("by").get(field);
            int n = 0;
            double fgIouSum = 0;
            for (JsonNode group : (Iterable<JsonNode>) groups::elements) {
                n += group.get("n").asInt();
                fgIouSum += group.get("n").asInt() * group.get("fg_iou").asDouble();
            }
            assertEquals(12, n, field + " groups cover every example once: " + groups);
            assertEquals(metrics.get("fg_iou").asDouble(), fgIouSum / n, 1e-9, field + " groups add up to the total");
        }
        assertEquals(2, run("eval", "--model", model.toString(), "--data", data.toString(), "--by", "colour"));
        assertTrue(err.toString().contains("has a field 'colour'; its lines have:"), err.toString());
        for (String key : List.of("fg_iou", "pixel_iou", "miou", "dice")) {
            double v = metrics.get(key).asDouble();
            assertTrue(v >= 0 && v <= 1, key + " = " + v);
        }
        assertEquals(SavedModel.sha256(model).substring(0, 12), metrics.get("model_version").asText());
        BufferedImage savedMask = Images.decode(Files.readAllBytes(masks.resolve("syn-4-000000-mask.png")));
        assertEquals(48, savedMask.getWidth(), "masks are written at the original image size");
        assertTrue(Files.isRegularFile(masks.resolve("syn-4-000011-overlay.png")));
        BufferedImage sheet = Images.decode(Files.readAllBytes(masks.resolve("contact-sheet.png")));
        assertEquals(8 * (128 + 8) + 8, sheet.getWidth(), "8 tiles a row");
        assertEquals(2 * 26 + 2 * (128 + 30), sheet.getHeight(), "one row of the 8 best, one of the 8 worst");

        Path out = tmp.resolve("pred/mask.png");
        assertEquals(0, run("predict", "--model", model.toString(), "--image",
                data.resolve("images/syn-4-000000.png").toString(), "--instruction", "remove the red star", "--out",
                out.toString(), "--overlay", tmp.resolve("pred/overlay.png").toString()), err.toString());
        BufferedImage overlay = Images.decode(Files.readAllBytes(tmp.resolve("pred/overlay.png")));
        assertEquals(List.of(48, 48), List.of(overlay.getWidth(), overlay.getHeight()));
        Mask predicted = Mask.fromImage(Images.decode(Files.readAllBytes(out)));
        assertEquals(48, predicted.width());
        assertEquals(48, predicted.height());
    }

    @Test
    void mistakesAreExplainedWithoutAStackTrace() throws IOException {
        assertEquals(2, run("eval", "--model", tmp.resolve("none").toString(), "--data", tmp.toString()));
        assertTrue(err.toString().contains("does not exist"), err.toString());
        Path data = tmp.resolve("data");
        assertEquals(0, run("generate", "--out", data.toString(), "--count", "2", "--size", "32"));
        assertEquals(2, run("train", "--data", data.toString(), "--out", tmp.resolve("m").toString(), "--fusion",
                "dot"));
        assertTrue(err.toString().contains("unknown fusion 'dot': use one of concat, outer, xattn-pooled, xattn"),
                err.toString());
        assertEquals(2, run("train", "--data", data.toString(), "--out", tmp.resolve("m").toString(), "--dim", "30"));
        assertTrue(err.toString().contains("dim must be a positive multiple of 8"), err.toString());
        assertEquals(2, run("train", "--data", data.toString(), "--out", tmp.resolve("m").toString(), "--stage",
                "reference=position"));
        assertTrue(err.toString().contains("'reference=position' is not FIELD=VALUE:EPOCHS"), err.toString());
        assertEquals(2, run("train", "--data", data.toString(), "--out", tmp.resolve("m").toString(), "--size", "32",
                "--stage", "reference=shape:1"));
        assertTrue(err.toString().contains("curriculum stage reference=shape:1 selects no training example: the"
                + " manifest's 'reference' values are ["), err.toString());
        assertEquals(2, run("train", "--data", data.toString()));
        assertTrue(err.toString().contains("train needs --data DATASET_DIR and --out MODEL_DIR"), err.toString());
        assertEquals(2, run("train", "--replot", data.toString()));
        assertTrue(err.toString().contains("metrics.jsonl not found: --replot takes the folder a `train` run wrote"),
                err.toString());
        assertEquals(2, run("predict", "--model", tmp.resolve("m").toString(), "--image", tmp.resolve("x.png")
                .toString(), "--instruction", "x", "--out", tmp.resolve("o.png").toString()));
        assertTrue(err.toString().contains("x.png does not exist"), err.toString());
        assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
    }
}
