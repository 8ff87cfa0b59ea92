package org.maskstream.data;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.cli.Main;
import org.maskstream.metrics.IouCounts;
import org.maskstream.util.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaselinesTest {
    private static final double EPS = 1e-12;

    /** 4x4, the top-left 2x2 block: area 1/4. */
    private static final Mask TOP_LEFT = mask(4, 4, "##..", "##..", "....", "....");
    /** 4x4, the top row: area 1/4. */
    private static final Mask TOP_ROW = mask(4, 4, "####", "....", "....", "....");

    @Test
    void inSampleNumbersMatchTheHandComputedOnes() {
        Map<String, IouCounts> r = score(List.of(TOP_LEFT, TOP_ROW), List.of(TOP_LEFT, TOP_ROW));

        // empty: no foreground hit; background IoU = 12 / 16 for both
        check(r.get("empty"), 0, 0, (0 + 0.75) / 2, 0);
        // full: IoU 4/16 each, background IoU 0, Dice 2*4 / (2*4 + 12)
        check(r.get("full"), 0.25, 0.25, 0.125, 0.4);
        // box of area 1/4 = 2x2 at (1,1)-(2,2): meets TOP_LEFT in one pixel (IoU 1/7, bg 9/15, Dice 2/8), misses
        // TOP_ROW (IoU 0, bg 8/16)
        check(r.get("centred-box"), (1.0 / 7 + 0) / 2, 1.0 / 15, ((1.0 / 7 + 9.0 / 15) / 2 + (0 + 0.5) / 2) / 2,
                (0.25 + 0) / 2);
        // mean mask: top row (1, 1, .5, .5) and (0,1),(1,1) at .5 -> 6 pixels; each truth is 4 of them:
        // IoU 4/6, bg 10/12, Dice 8/10
        check(r.get("mean-mask"), 4.0 / 6, 8.0 / 12, (4.0 / 6 + 10.0 / 12) / 2, 0.8);
    }

    @Test
    void aTrainSetOfAnotherSizeDrivesTheBoxAndTheMeanMask() {
        // one 2x2 train mask, top-left pixel: area 1/4, mean mask = the top-left quadrant of any image
        Mask train = mask(2, 2, "#.", "..");
        Map<String, IouCounts> r = score(List.of(train), List.of(TOP_LEFT, TOP_ROW));
        // TOP_LEFT exactly; TOP_ROW: tp 2, fp 2, fn 2, tn 10
        check(r.get("mean-mask"), (1 + 2.0 / 6) / 2, 6.0 / 10, ((1 + 1) / 2.0 + (2.0 / 6 + 10.0 / 14) / 2) / 2,
                (1 + 4.0 / 8) / 2);
        check(r.get("centred-box"), (1.0 / 7 + 0) / 2, 1.0 / 15, ((1.0 / 7 + 9.0 / 15) / 2 + (0 + 0.5) / 2) / 2,
                (0.25 + 0) / 2);
        assertEquals(mask(8, 4, "........", "..####..", "..####..", "........"), Baselines.centredBox(8, 4, 0.5));
    }

    @Test
    void commandPrintsAndWritesTheSameNumbers(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        try (DatasetWriter w = DatasetWriter.create(data, false)) {
            w.write(new Example("a", DatasetReaderTest.image(4, 4, 0), "x", TOP_LEFT));
            w.write(new Example("b", DatasetReaderTest.image(4, 4, 0), "y", TOP_ROW));
            w.write(new Example("c", DatasetReaderTest.image(4, 4, 0), "unlabeled", null));
            w.finish();
        }
        Path json = tmp.resolve("out/baselines.json");
        assertEquals(0, Main.commandLine().execute("baselines", "--data", data.toString(), "--json", json.toString()));
        JsonNode root = Json.MAPPER.readTree(json.toFile());
        assertEquals("data", root.get("reference").asText());
        assertEquals(2, root.get("n").asInt());
        assertEquals(0.25, root.get("mean_area").asDouble(), EPS);
        JsonNode mean = root.get("baselines").get("mean-mask");
        assertEquals(4.0 / 6, mean.get("fg_iou").asDouble(), EPS);
        assertEquals(2, mean.get("n").asInt());
        for (String key : List.of("pixel_iou", "miou", "dice")) {
            assertTrue(mean.has(key), key);
        }
        assertEquals(2, Main.commandLine().execute("baselines", "--data", tmp.resolve("none").toString()));
    }

    private static Map<String, IouCounts> score(List<Mask> train, List<Mask> data) {
        Baselines.Reference ref = new Baselines.Reference();
        train.forEach(ref::add);
        Baselines b = new Baselines(ref);
        for (int i = 0; i < data.size(); i++) {
            Mask m = data.get(i);
            b.score(new Example("e" + i, DatasetReaderTest.image(m.width(), m.height(), 0), "i", m));
        }
        return b.results();
    }

    private static void check(IouCounts c, double fgIou, double pixelIou, double miou, double dice) {
        assertEquals(fgIou, c.fgIou(), EPS, "fg IoU");
        assertEquals(pixelIou, c.pixelIou(), EPS, "pixel IoU");
        assertEquals(miou, c.miou(), EPS, "mIoU");
        assertEquals(dice, c.dice(), EPS, "Dice");
    }

    private static Mask mask(int w, int h, String... rows) {
        boolean[] px = new boolean[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[y * w + x] = rows[y].charAt(x) == '#';
            }
        }
        return new Mask(w, h, px);
    }
}
