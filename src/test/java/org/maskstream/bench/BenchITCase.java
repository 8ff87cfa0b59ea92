package org.maskstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.maskstream.grounding.DetectorPrior;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.experiment.Setup;
import org.maskstream.experiment.WorkDir;
import org.maskstream.util.Json;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Smoke run of {@code experiment bench --quick}: every part runs (the job on the in-process broker in both delivery
 * modes, the PyTorch reference through /usr/bin/python3, the soak) and the files hold what the report promises.
 * The numbers themselves are not checked: on a shared machine they are whatever the load allows.
 */
class BenchITCase {
    @TempDir
    Path out;

    @Test
    void quickRunMeasuresEveryPartAndPyTorchComputesWhatDjlComputes() throws Exception {
        Bench.Sizes sizes = Bench.quick();
        try (WorkDir work = WorkDir.of(null, "maskstream-bench-it")) {
            Bench.run(sizes, 1, new Setup(out, "bench-it", work.path(), false, "BenchITCase", System.err));
        }
        JsonNode json = Json.MAPPER.readTree(out.resolve("bench-it.json").toFile());
        for (int b : Bench.BATCHES) {
            assertEquals(sizes.runs(), json.at("/bare/" + b).size(), "bare runs at batch " + b);
            for (String mode : new String[] {"at-least-once", "exactly-once"}) {
                JsonNode rates = json.get("pipeline").get(b + "/" + mode);
                assertEquals(sizes.runs(), rates.size(), "pipeline runs at batch " + b + ", " + mode);
                rates.forEach(r -> assertTrue(r.asDouble() > 0, "a positive rate at batch " + b + ", " + mode));
            }
        }
        boolean detector;
        try {
            DetectorPrior.resolveId("coco-detector");
            detector = true;
        } catch (RuntimeException e) {
            detector = false;
        }
        String md = Files.readString(out.resolve("bench-it.md"));
        if (detector) {
            for (int b : new int[] {1, Bench.LATENCY_BATCH}) {
                JsonNode runs = json.at("/groundedBare/" + b);
                assertEquals(sizes.runs(), runs.size(), "grounded runs at batch " + b);
                runs.forEach(run -> assertTrue(run.at("/perRequest/prior").asDouble() > 0,
                        "the detector's step took no time at batch " + b + ": " + run));
            }
            assertTrue(md.contains("| prior (detector) |"), "no grounded table in bench-it.md");
        } else {
            assertTrue(md.contains("**The grounded model**") && md.contains("Not measured: "), md);
        }
        assertEquals(sizes.torchThreads().length, json.get("torch").size());
        for (JsonNode t : json.get("torch")) {
            assertEquals(t.get("djlParameters").asLong(), t.get("torchParameters").asLong(), "parameter counts");
            assertTrue(t.get("maxAbsDifference").asDouble() < 1e-4,
                    "PyTorch's logits differ from DJL's by " + t.get("maxAbsDifference"));
        }
        assertEquals(2 * Bench.LOADS.length, json.get("latency").size());
        json.get("latency").forEach(l -> assertTrue(l.get("requests").asInt() > 0, "requests at " + l));
        JsonNode soak = json.get("soak");
        assertEquals(sizes.soakEvents(), soak.get(soak.size() - 1).get("events").asLong());
        assertEquals(4, json.get("perVersion").size());
        for (String section : new String[] {"## Ratios", "## Where the time goes", "## 1.", "## 2.", "## 3.",
                "## 4.", "## 5.", "## 6."}) {
            assertTrue(md.contains(section), "bench-it.md has no section " + section);
        }
        assertTrue(Files.size(out.resolve("bench-it-latency.png")) > 0);
        assertTrue(Files.size(out.resolve("bench-it-memory.png")) > 0);
    }
}
