package org.maskstream.data.magicbrush;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.cli.Main;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicBrushImporterTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    /** The Hugging Face release's schema, as pyarrow writes it. */
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message schema {
              optional binary img_id (STRING);
              optional int32 turn_index;
              optional group source_img { optional binary bytes; optional binary path (STRING); }
              optional group mask_img { optional binary bytes; optional binary path (STRING); }
              optional binary instruction (STRING);
              optional group target_img { optional binary bytes; optional binary path (STRING); }
            }""");

    @TempDir
    Path tmp;

    @Test
    void parquetShardsBecomeADatasetWithTheTransparentRegionAsMask() throws IOException {
        Path shards = tmp.resolve("hf/data");
        Files.createDirectories(shards);
        writeShard(shards.resolve("train-00000-of-00002.parquet"),
                row("327726", 1, png(photo(6, 4, 0x336699)), png(rgbaMask(6, 4, 1, 1, 3, 2)), "put a hat on the dog",
                        png(photo(6, 4, 0x996633))),
                row("327726", 2, png(photo(6, 4, 0x112233)), png(rgbaMask(3, 2, 0, 0, 1, 1)), "make it blue", null));
        writeShard(shards.resolve("train-00001-of-00002.parquet"),
                row("5", 1, "not an image".getBytes(), png(rgbaMask(6, 4, 0, 0, 1, 1)), "remove the cat", null),
                row("6", 1, png(photo(6, 4, 0)), png(rgbaMask(6, 4, 0, 0, 0, 0)), "opaque mask: no region", null));

        MagicBrushImporter.Summary s = MagicBrushImporter.importFrom(tmp.resolve("hf"), tmp.resolve("out"), false, QUIET);
        assertEquals("parquet", s.layout());
        assertEquals(3, s.written());
        assertEquals(1, s.masksResized());
        assertEquals(1, s.masksEmpty());
        assertEquals(1, s.skipped());
        assertTrue(s.warnings().get(0).contains("train-00001-of-00002.parquet row 0 (id 5-1): source image is not a "
                + "readable image"), s.warnings().get(0));

        Dataset d = DatasetReader.read(tmp.resolve("out"), false);
        assertEquals(List.of("327726-1", "327726-2", "6-1"), d.examples().stream().map(Example::id).toList());
        Example first = d.examples().get(0);
        assertEquals("put a hat on the dog", first.instruction());
        assertEquals(0x336699, first.image().getRGB(0, 0) & 0xFFFFFF);
        assertEquals(box(6, 4, 1, 1, 3, 2), first.mask());
        // the 3x2 mask's single transparent pixel, scaled to the 6x4 image
        assertEquals(box(6, 4, 0, 0, 2, 2), d.examples().get(1).mask());
        assertTrue(Files.isRegularFile(tmp.resolve("out/targets/327726-1.png")));
        assertTrue(!Files.exists(tmp.resolve("out/targets/327726-2.png")));
    }

    @Test
    void editSessionsLayoutFollowsEachTurn() throws IOException {
        Path release = tmp.resolve("test");
        Path img = Files.createDirectories(release.resolve("images/242679"));
        Files.write(img.resolve("242679-input.png"), png(photo(4, 4, 0x0000FF)));
        Files.write(img.resolve("242679-mask1.png"), png(rgbaMask(4, 4, 0, 0, 2, 2)));
        Files.write(img.resolve("242679-output1.png"), png(photo(4, 4, 0x00FF00)));
        Files.write(img.resolve("242679-mask2.png"), png(rgbaMask(4, 4, 2, 2, 4, 4)));
        Files.write(img.resolve("242679-output2.png"), png(photo(4, 4, 0xFF0000)));
        Files.createDirectories(release.resolve("images/9"));
        Files.writeString(release.resolve(MagicBrushImporter.SESSIONS), """
                {"242679": [
                   {"input": "242679-input.png", "mask": "242679-mask1.png", "output": "242679-output1.png",
                    "instruction": "make the sky green"},
                   {"input": "242679-output1.png", "mask": "242679-mask2.png", "output": "242679-output2.png",
                    "instruction": "add a red boat"}],
                 "9": [{"input": "9-input.png", "mask": "9-mask1.png", "output": "9-output1.png",
                        "instruction": "remove the tree"}]}""");

        MagicBrushImporter.Summary s = MagicBrushImporter.importFrom(release, tmp.resolve("out"), false, QUIET);
        assertEquals(2, s.written());
        assertEquals(1, s.skipped());
        assertTrue(s.warnings().get(0).contains("image 9 turn 1 (id 9-1): input file"), s.warnings().get(0));
        assertTrue(s.warnings().get(0).contains("9-input.png"), s.warnings().get(0));

        Dataset d = DatasetReader.read(tmp.resolve("out"), false);
        Example second = d.examples().get(1);
        assertEquals("242679-2", second.id());
        assertEquals("add a red boat", second.instruction());
        assertEquals(0x00FF00, second.image().getRGB(0, 0) & 0xFFFFFF, "turn 2 edits turn 1's output");
        assertEquals(box(4, 4, 2, 2, 4, 4), second.mask());
        assertEquals(box(4, 4, 0, 0, 2, 2), d.examples().get(0).mask());
    }

    @Test
    void unknownInputsAreClearErrors() throws IOException {
        Files.writeString(tmp.resolve("readme.txt"), "nothing here");
        DatasetException none = assertThrows(DatasetException.class,
                () -> MagicBrushImporter.importFrom(tmp, tmp.resolve("out"), false, QUIET));
        assertTrue(none.getMessage().contains("neither edit_sessions.json nor any .parquet file"), none.getMessage());

        Path other = tmp.resolve("other.parquet");
        MessageType schema = MessageTypeParser.parseMessageType("message m { optional binary img_id (STRING); }");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(other)).withType(schema)
                .build()) {
            w.write(new SimpleGroupFactory(schema).newGroup().append("img_id", "1"));
        }
        DatasetException columns = assertThrows(DatasetException.class,
                () -> MagicBrushImporter.importFrom(other, tmp.resolve("out"), false, QUIET));
        assertTrue(columns.getMessage().contains("lacks the MagicBrush column(s) [turn_index, source_img"),
                columns.getMessage());

        Files.writeString(tmp.resolve("broken.parquet"), "PAR1 not really");
        DatasetException broken = assertThrows(DatasetException.class,
                () -> MagicBrushImporter.importFrom(tmp.resolve("broken.parquet"), tmp.resolve("out"), false, QUIET));
        assertTrue(broken.getMessage().contains("is not a readable parquet file"), broken.getMessage());
    }

    @Test
    void commandImportsAndFailsWithAUserMessage() throws IOException {
        Path shard = tmp.resolve("one.parquet");
        writeShard(shard, row("1", 1, png(photo(2, 2, 0)), png(rgbaMask(2, 2, 0, 0, 1, 1)), "x", null));
        assertEquals(0, Main.commandLine().execute("import-magicbrush", "--from", shard.toString(), "--out",
                tmp.resolve("out").toString()));
        assertEquals(1, DatasetReader.read(tmp.resolve("out"), false).size());
        assertEquals(2, Main.commandLine().execute("import-magicbrush", "--from", tmp.resolve("nope").toString(),
                "--out", tmp.resolve("out2").toString()));
    }

    private record Row(String imgId, int turn, byte[] source, byte[] mask, String instruction, byte[] target) {
    }

    private static Row row(String imgId, int turn, byte[] source, byte[] mask, String instruction, byte[] target) {
        return new Row(imgId, turn, source, mask, instruction, target);
    }

    private static void writeShard(Path file, Row... rows) throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
                .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (Row r : rows) {
                Group g = f.newGroup().append("img_id", r.imgId()).append("turn_index", r.turn())
                        .append("instruction", r.instruction());
                image(g, "source_img", r.source(), r.imgId() + ".png");
                image(g, "mask_img", r.mask(), null);
                if (r.target() != null) {
                    image(g, "target_img", r.target(), null);
                }
                w.write(g);
            }
        }
    }

    private static void image(Group g, String column, byte[] bytes, String path) {
        Group struct = g.addGroup(column).append("bytes", Binary.fromConstantByteArray(bytes));
        if (path != null) {
            struct.append("path", path);
        }
    }

    private static BufferedImage photo(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** An opaque white RGBA image, transparent over [x0, x1) x [y0, y1), as MagicBrush masks are. */
    private static BufferedImage rgbaMask(int w, int h, int x0, int y0, int x1, int y1) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean edit = x >= x0 && x < x1 && y >= y0 && y < y1;
                img.setRGB(x, y, edit ? 0x00000000 : 0xFFFFFFFF);
            }
        }
        return img;
    }

    private static Mask box(int w, int h, int x0, int y0, int x1, int y1) {
        boolean[] px = new boolean[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                px[y * w + x] = true;
            }
        }
        return new Mask(w, h, px);
    }

    private static byte[] png(BufferedImage img) {
        return Images.encodePng(img);
    }
}
