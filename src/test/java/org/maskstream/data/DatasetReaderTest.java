package org.maskstream.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatasetReaderTest {

    @TempDir
    Path dir;

    @Test
    void writerAndReaderRoundTrip() {
        Example labeled = new Example("a/1", image(5, 4, 0x102030), "make it red", square(5, 4));
        Example unlabeled = new Example("b", image(3, 3, 0xFFFFFF), "remove it", null);
        try (DatasetWriter w = DatasetWriter.create(dir, false)) {
            w.write(labeled, image(5, 4, 0xFF0000), Map.of("reference", "colour", "objects", 3));
            w.write(unlabeled);
            w.finish();
        }
        Dataset d = DatasetReader.read(dir, false);
        assertEquals(2, d.size());
        assertEquals(0, d.skipped());
        Example a = d.examples().get(0);
        assertEquals("a/1", a.id());
        assertEquals("make it red", a.instruction());
        assertEquals(labeled.mask(), a.mask());
        assertEquals(0x102030, a.image().getRGB(2, 2) & 0xFFFFFF);
        assertNull(d.examples().get(1).mask());
        assertEquals(1, d.labeledCount());
    }

    @Test
    void unfinishedWriterLeavesNoManifestAndAnExistingDatasetIsKept() {
        try (DatasetWriter w = DatasetWriter.create(dir, false)) {
            w.write(new Example("x", image(2, 2, 0), "i", null));
        }
        assertFalse(Files.exists(dir.resolve(DatasetReader.MANIFEST)));
        try (DatasetWriter w = DatasetWriter.create(dir, false)) {
            w.finish();
        }
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetWriter.create(dir, false));
        assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
        try (DatasetWriter w = DatasetWriter.create(dir, true)) {
            w.write(new Example("y", image(2, 2, 0), "i", null));
            assertThrows(DatasetException.class, () -> w.write(new Example("y", image(2, 2, 0), "j", null)));
            w.finish();
        }
        assertEquals(1, DatasetReader.read(dir, false).size());
    }

    @Test
    void rgbaMasksMarkTheTransparentPixels() throws IOException {
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0xFF000000);
        rgba.setRGB(1, 0, 0x00000000);
        writePng("m.png", rgba);
        writePng("i.png", image(2, 1, 0x808080));
        manifest("{\"id\":\"1\",\"image\":\"i.png\",\"mask\":\"m.png\",\"instruction\":\"x\"}");
        Mask m = DatasetReader.read(dir, false).examples().get(0).mask();
        assertEquals(new Mask(2, 1, new boolean[] {false, true}), m);
    }

    @Test
    void eachKindOfBadLineNamesTheLineAndTheFile() throws IOException {
        writePng("ok.png", image(4, 4, 0x808080));
        writePng("small.png", square(2, 2).toImage());
        Files.writeString(dir.resolve("broken.png"), "not a png at all");
        String good = "{\"id\":\"good\",\"image\":\"ok.png\",\"instruction\":\"x\"}";
        List<String[]> cases = List.of(
                new String[] {"{\"id\":\"m\",\"image\":\"missing.png\",\"instruction\":\"x\"}", "missing.png",
                        "does not exist"},
                new String[] {"{\"id\":\"j\",\"image\":\"ok.png\",", null, "not valid JSON"},
                new String[] {"{\"id\":\"s\",\"image\":\"ok.png\",\"mask\":\"small.png\",\"instruction\":\"x\"}",
                        "small.png", "2x2 but image ok.png is 4x4"},
                new String[] {good.replace("x\"", "y\""), null, "duplicate id 'good'"},
                new String[] {"{\"id\":\"u\",\"image\":\"broken.png\",\"instruction\":\"x\"}", "broken.png",
                        "not a readable image"},
                new String[] {"{\"id\":\"n\",\"image\":\"ok.png\"}", null, "missing field 'instruction'"},
                new String[] {"[1,2]", null, "expected a JSON object"});
        for (String[] c : cases) {
            manifest(good, "", c[0]);
            DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, false), c[0]);
            String msg = e.getMessage();
            assertTrue(msg.contains(dir.resolve(DatasetReader.MANIFEST).toAbsolutePath() + " line 3: "), msg);
            assertTrue(msg.contains(c[2]), msg);
            if (c[1] != null) {
                assertTrue(msg.contains(c[1]), msg);
            }
            assertTrue(msg.contains("--skip-bad"), "should say what to do: " + msg);
        }
    }

    @Test
    void skipBadCountsTheBadLinesAndKeepsTheGoodOnes() throws IOException {
        writePng("ok.png", image(4, 4, 0x808080));
        writePng("small.png", square(2, 2).toImage());
        manifest("{\"id\":\"1\",\"image\":\"ok.png\",\"instruction\":\"x\"}",
                "{\"id\":\"2\",\"image\":\"gone.png\",\"instruction\":\"x\"}",
                "oops",
                "{\"id\":\"1\",\"image\":\"ok.png\",\"instruction\":\"x\"}",
                "{\"id\":\"3\",\"image\":\"ok.png\",\"mask\":\"small.png\",\"instruction\":\"x\"}",
                "{\"id\":\"4\",\"image\":\"ok.png\",\"instruction\":\"y\"}");
        Dataset d = DatasetReader.read(dir, true);
        assertEquals(List.of("1", "4"), d.examples().stream().map(Example::id).toList());
        assertEquals(4, d.skipped());
        assertEquals(4, d.warnings().size());
        for (int i = 0; i < 4; i++) {
            assertTrue(d.warnings().get(i).contains(" line " + (i + 2) + ": "), d.warnings().get(i));
        }
    }

    @Test
    void aFolderWithoutManifestIsAClearError() {
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.read(dir, true));
        assertTrue(e.getMessage().contains("no manifest.jsonl in " + dir.toAbsolutePath()), e.getMessage());
    }

    @Test
    void readsTheRealMagicBrushSample() {
        Path sample = Path.of("..", "shared", "data", "magicbrush-sample");
        assumeTrue(Files.isRegularFile(sample.resolve(DatasetReader.MANIFEST)),
                "skipped: the MagicBrush sample is not at " + sample.toAbsolutePath());
        Dataset d = DatasetReader.read(sample, false);
        assertEquals(30, d.size());
        for (Example e : d.examples()) {
            assertTrue(e.labeled() && e.mask().area() > 0, e.id() + " should have a non-empty mask");
            assertFalse(e.instruction().isBlank(), e.id());
        }
    }

    @Test
    void fieldValuesGivesEachIdItsValueAsTextAndNamesTheFieldsWhenTheFieldIsMissing() throws IOException {
        manifest("{\"id\":\"a\",\"image\":\"a.png\",\"instruction\":\"x\",\"reference\":\"colour\",\"objects\":3}",
                "{\"id\":\"b\",\"image\":\"b.png\",\"instruction\":\"x\",\"reference\":\"size\"}",
                "not json",
                "{\"id\":\"c\",\"image\":\"c.png\",\"instruction\":\"x\",\"objects\":5}");
        assertEquals(Map.of("a", "colour", "b", "size"), DatasetReader.fieldValues(dir, "reference"));
        assertEquals(Map.of("a", "3", "c", "5"), DatasetReader.fieldValues(dir, "objects"));
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetReader.fieldValues(dir, "colour"));
        assertTrue(e.getMessage().endsWith("has a field 'colour'; its lines have: id, image, instruction, objects,"
                + " reference"), e.getMessage());
    }

    private void manifest(String... lines) throws IOException {
        Files.writeString(dir.resolve(DatasetReader.MANIFEST), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private void writePng(String name, BufferedImage img) throws IOException {
        ImageIO.write(img, "png", dir.resolve(name).toFile());
    }

    static BufferedImage image(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A mask with only the top-left pixel set. */
    static Mask square(int w, int h) {
        boolean[] px = new boolean[w * h];
        px[0] = true;
        return new Mask(w, h, px);
    }
}
