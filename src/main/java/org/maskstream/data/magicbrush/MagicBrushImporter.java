package org.maskstream.data.magicbrush;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetWriter;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.util.Json;
import org.maskstream.util.ProgressBar;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Converts the public MagicBrush release into the dataset layout, one example per edit turn (id
 * {@code IMGID-TURN}), with the source image, the annotators' mask and the edited image as target:
 * <ul>
 *   <li>the Hugging Face parquet shards: a {@code .parquet} file or a folder searched for them, columns
 *       {@code img_id}, {@code turn_index}, {@code source_img}, {@code mask_img}, {@code instruction},
 *       {@code target_img}, image columns being structs {@code {bytes, path}} (plain binary is accepted too);</li>
 *   <li>the test release: a folder with {@code edit_sessions.json} (image id -> list of turns with {@code input},
 *       {@code mask}, {@code output}, {@code instruction}) and {@code images/ID/ID-input.png}, {@code -maskN.png},
 *       {@code -outputN.png}.</li>
 * </ul>
 * MagicBrush masks are RGBA with alpha 0 over the edit region, which {@link Mask#fromImage} reads as such. A mask of
 * another size than its source image is resized to it (nearest neighbour) and counted. A turn that cannot be
 * converted (a missing or undecodable image) is skipped with a warning that names the file and the turn.
 */
public final class MagicBrushImporter {
    public static final String SESSIONS = "edit_sessions.json";
    static final List<String> COLUMNS = List.of("img_id", "turn_index", "source_img", "mask_img", "instruction",
            "target_img");

    /**
     * What an import did.
     *
     * @param masksResized turns whose mask had another size than the source image
     * @param masksEmpty   turns whose mask marks no pixel: many of them suggest masks in another convention than
     *                     the release's (alpha 0 = edit, or non-black = edit without alpha)
     * @param warnings     one message per skipped turn
     */
    public record Summary(String layout, int written, int masksResized, int masksEmpty, List<String> warnings) {
        public int skipped() {
            return warnings.size();
        }
    }

    private MagicBrushImporter() {
    }

    /**
     * Imports {@code from} (a parquet file, a folder of parquet shards, or a test-release folder) into {@code out}.
     *
     * @throws DatasetException when {@code from} is in neither layout, a shard lacks a column, or {@code out}
     *                          already holds a dataset and {@code overwrite} is off
     */
    public static Summary importFrom(Path from, Path out, boolean overwrite, PrintStream progress) {
        if (Files.isDirectory(from) && Files.isRegularFile(from.resolve(SESSIONS))) {
            return importSessions(from, out, overwrite, progress);
        }
        List<Path> shards = parquetFiles(from);
        if (shards.isEmpty()) {
            throw new DatasetException(from.toAbsolutePath() + " holds neither " + SESSIONS + " nor any .parquet file: "
                    + "pass the folder of the MagicBrush parquet shards (or one shard), or the test release folder "
                    + "with " + SESSIONS + " and images/");
        }
        return importParquet(shards, out, overwrite, progress);
    }

    private static List<Path> parquetFiles(Path from) {
        if (Files.isRegularFile(from)) {
            return from.toString().endsWith(".parquet") ? List.of(from) : List.of();
        }
        if (!Files.isDirectory(from)) {
            throw new DatasetException(from.toAbsolutePath() + " does not exist: pass the MagicBrush release folder "
                    + "or a parquet shard");
        }
        try (Stream<Path> walk = Files.walk(from)) {
            return walk.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".parquet"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + from.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Summary importParquet(List<Path> shards, Path out, boolean overwrite, PrintStream progress) {
        long rows = 0;
        for (Path shard : shards) {
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(shard))) {
                checkColumns(shard, reader.getFooter().getFileMetaData().getSchema());
                rows += reader.getRecordCount();
            } catch (IOException | RuntimeException e) {
                throw unreadableShard(shard, e);
            }
        }
        Turns turns = new Turns("parquet");
        try (DatasetWriter writer = DatasetWriter.create(out, overwrite);
             ProgressBar bar = new ProgressBar(progress, "import", rows)) {
            for (Path shard : shards) {
                try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(shard))) {
                    MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                    long row = 0;
                    PageReadStore pages;
                    while ((pages = reader.readNextRowGroup()) != null) {
                        RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                                .getRecordReader(pages, new GroupRecordConverter(schema));
                        for (long i = 0; i < pages.getRowCount(); i++, row++) {
                            Group g = records.read();
                            String where = shard.toAbsolutePath() + " row " + row;
                            String id = text(g, "img_id") + "-" + text(g, "turn_index");
                            turns.add(writer, id, where, text(g, "instruction"), () -> imageBytes(g, "source_img"),
                                    () -> imageBytes(g, "mask_img"), () -> imageBytes(g, "target_img"));
                            bar.step(1);
                        }
                    }
                } catch (IOException e) {
                    throw unreadableShard(shard, e);
                }
            }
            writer.finish();
        }
        return turns.summary();
    }

    private static void checkColumns(Path shard, MessageType schema) {
        List<String> missing = COLUMNS.stream().filter(c -> !schema.containsField(c)).toList();
        if (!missing.isEmpty()) {
            throw new DatasetException(shard.toAbsolutePath() + " lacks the MagicBrush column(s) " + missing
                    + " (it has " + schema.getFields().stream().map(Type::getName).toList() + "): is it a MagicBrush "
                    + "shard?");
        }
    }

    private static DatasetException unreadableShard(Path shard, Exception e) {
        if (e instanceof DatasetException d) {
            return d;
        }
        return new DatasetException(shard.toAbsolutePath() + " is not a readable parquet file (" + e + "): "
                + "re-download it or leave it out", e);
    }

    /** A field's single value as text, whether the shard stores it as a string or a number; "" when null. */
    private static String text(Group g, String field) {
        if (g.getFieldRepetitionCount(field) == 0) {
            return "";
        }
        return g.getValueToString(g.getType().getFieldIndex(field), 0);
    }

    /** The encoded image of a {@code {bytes, path}} struct column, or of a plain binary column. */
    private static byte[] imageBytes(Group g, String field) {
        if (g.getFieldRepetitionCount(field) == 0) {
            return null;
        }
        Type type = g.getType().getType(field);
        if (type.isPrimitive()) {
            return g.getBinary(field, 0).getBytes();
        }
        Group struct = g.getGroup(field, 0);
        GroupType structType = type.asGroupType();
        if (!structType.containsField("bytes") || struct.getFieldRepetitionCount("bytes") == 0) {
            return null;
        }
        return struct.getBinary("bytes", 0).getBytes();
    }

    private static Summary importSessions(Path from, Path out, boolean overwrite, PrintStream progress) {
        Path sessionsFile = from.resolve(SESSIONS);
        JsonNode sessions;
        try {
            sessions = Json.MAPPER.readTree(sessionsFile.toFile());
        } catch (IOException e) {
            throw new DatasetException(sessionsFile.toAbsolutePath() + " is not valid JSON (" + e.getMessage() + ")",
                    e);
        }
        if (sessions == null || !sessions.isObject()) {
            throw new DatasetException(sessionsFile.toAbsolutePath() + " should map image ids to lists of turns");
        }
        long total = 0;
        for (JsonNode turnsOfImage : sessions) {
            total += turnsOfImage.size();
        }
        Turns turns = new Turns("edit_sessions");
        try (DatasetWriter writer = DatasetWriter.create(out, overwrite);
             ProgressBar bar = new ProgressBar(progress, "import", total)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = sessions.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> session = it.next();
                String imageId = session.getKey();
                JsonNode list = session.getValue();
                for (int t = 0; t < list.size(); t++) {
                    JsonNode turn = list.get(t);
                    String where = sessionsFile.toAbsolutePath() + " image " + imageId + " turn " + (t + 1);
                    Path dir = from.resolve("images").resolve(imageId);
                    turns.add(writer, imageId + "-" + (t + 1), where, turn.path("instruction").asText(""),
                            () -> file(dir, turn, "input"), () -> file(dir, turn, "mask"),
                            () -> file(dir, turn, "output"));
                    bar.step(1);
                }
            }
            writer.finish();
        }
        return turns.summary();
    }

    /** The bytes of the turn's file named in {@code field}, looked up in the image's folder. */
    private static byte[] file(Path dir, JsonNode turn, String field) {
        String name = turn.path(field).asText("");
        if (name.isEmpty()) {
            return null;
        }
        Path p = dir.resolve(name);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new BadTurn(field + " file " + p.toAbsolutePath() + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Supplies one encoded image of a turn, {@code null} when the turn has none. */
    private interface ImageSource {
        byte[] get();
    }

    /** Converts turns one by one, collecting the counts and warnings of the summary. */
    private static final class Turns {
        private final String layout;
        private final List<String> warnings = new ArrayList<>();
        private int written;
        private int resized;
        private int empty;

        Turns(String layout) {
            this.layout = layout;
        }

        void add(DatasetWriter writer, String id, String where, String instruction, ImageSource source,
                 ImageSource mask, ImageSource target) {
            try {
                if (instruction.isBlank()) {
                    throw new BadTurn("no instruction");
                }
                BufferedImage image = decode(source, "source image");
                byte[] maskBytes = mask.get();
                Mask m = null;
                if (maskBytes != null) {
                    m = Mask.fromImage(decodeBytes(maskBytes, "mask"));
                    if (m.width() != image.getWidth() || m.height() != image.getHeight()) {
                        m = m.resize(image.getWidth(), image.getHeight());
                        resized++;
                    }
                    empty += m.area() == 0 ? 1 : 0;
                }
                byte[] targetBytes = target.get();
                BufferedImage edited = targetBytes == null ? null : decodeBytes(targetBytes, "target image");
                writer.write(new Example(id, image, instruction, m), edited, Map.of());
                written++;
            } catch (BadTurn | DatasetException e) {
                // the writer's DatasetException here is a repeated id: the release lists one turn twice
                warnings.add(where + " (id " + id + "): " + e.getMessage() + "; skipped");
            }
        }

        private static BufferedImage decode(ImageSource source, String what) {
            byte[] bytes = source.get();
            if (bytes == null) {
                throw new BadTurn("no " + what);
            }
            return decodeBytes(bytes, what);
        }

        private static BufferedImage decodeBytes(byte[] bytes, String what) {
            try {
                return Images.decode(bytes);
            } catch (IllegalArgumentException e) {
                throw new BadTurn(what + " is " + e.getMessage());
            }
        }

        Summary summary() {
            return new Summary(layout, written, resized, empty, List.copyOf(warnings));
        }
    }

    /** A turn that cannot be converted; skipped with a warning. */
    private static final class BadTurn extends RuntimeException {
        BadTurn(String message) {
            super(message, null, false, false);
        }
    }
}
