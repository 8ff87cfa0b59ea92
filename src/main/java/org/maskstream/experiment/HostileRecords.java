package org.maskstream.experiment;

import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.Scene;
import org.maskstream.data.synth.SceneGenerator;
import org.maskstream.demo.RequestProducer;
import org.maskstream.events.AvroCodec;
import org.maskstream.stream.StreamConfig;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The hostile-input suite's records, generated from a seed: valid requests interleaved with hostile records, each
 * with the outcome the job must give it. The same seed, count and limits give the same bytes.
 *
 * <p>Hostile records are mutations of a valid request (bit flips, truncations, length-field edits, header swaps)
 * and crafted ones (image headers declaring huge sizes in every format ImageIO reads, 16-bit, palette, gray and
 * CMYK images, truncated and EXIF-only JPEGs, extreme event times, megabyte ids, keys and attributes, control
 * characters and invalid UTF-8, masks of the wrong size or format, records at the size limit). Most have one
 * expected dead-letter kind; some are valid whatever they look like (a 16-bit image, control characters in the
 * free-text instruction) and must give a result; only random bit flips are {@link Outcome#EITHER}, since a flip in
 * an instruction's text or a pixel keeps the request valid while one in a length or an image header does not.
 */
public final class HostileRecords {
    /** What the job must do with a record. */
    public enum Outcome { RESULT, DEAD_LETTER, EITHER }

    /**
     * One record of the suite.
     *
     * @param key      its Kafka key; starts with {@link #keyPrefix} of its index, also in a dead letter's cut key
     * @param value    its Kafka value, null for a tombstone
     * @param id       the id its result carries when it gets one
     * @param kind     the dead letter's kind when {@code outcome} is {@link Outcome#DEAD_LETTER}, else null
     * @param label    what it is, for the report
     */
    public record Case(int index, String label, byte[] key, byte[] value, String id, Outcome outcome,
                       DeadLetterKind kind) {
        /** What the job must do with it, without its bytes. */
        public Expected expected() {
            return new Expected(index, label, id, outcome, kind);
        }
    }

    /** A record's expected outcome: {@link Case} without the bytes, kept for every record of a run. */
    public record Expected(int index, String label, String id, Outcome outcome, DeadLetterKind kind) {
        public String keyPrefix() {
            return HostileRecords.keyPrefix(index);
        }
    }

    /** The label of the valid requests. */
    public static final String VALID = "valid";
    /** Event times start here, so records do not depend on the clock (within the job's 10-year past limit). */
    public static final Instant BASE_TIME = Instant.parse("2026-01-01T00:00:00Z");
    /** One record in this many is at the record size limit (at least one per run). */
    static final int AT_LIMIT_EVERY = 1000;
    private static final int SIZE = 32;
    private static final AvroCodec<EditRequest> REQUESTS = AvroCodec.of(EditRequest.class);
    /** Avro single-object marker and fingerprint length. */
    private static final int AVRO_HEADER = 10;

    private final StreamConfig limits;
    private final SceneGenerator scenes = new SceneGenerator(SIZE, Phrasing.NORMAL);
    private final long seed;

    private HostileRecords(long seed, StreamConfig limits) {
        this.seed = seed;
        this.limits = limits;
    }

    /** The 8-character prefix every key of record {@code index} starts with. */
    public static String keyPrefix(int index) {
        return String.format(Locale.ROOT, "r%07d", index);
    }

    /**
     * {@code count} records: even indexes valid requests, odd ones hostile, chosen and shaped by {@code seed};
     * {@code limits} are the job's (sizes of the crafted records follow them).
     */
    public static void generate(long seed, int count, StreamConfig limits, Consumer<Case> out) {
        HostileRecords g = new HostileRecords(seed, limits);
        Random rnd = new Random(seed);
        for (int i = 0; i < count; i++) {
            out.accept(i % 2 == 0 ? g.valid(i, rnd) : g.hostile(i, rnd));
        }
    }

    /** {@link #generate(long, int, StreamConfig, Consumer)} into a list, for runs small enough to hold. */
    public static List<Case> generate(long seed, int count, StreamConfig limits) {
        List<Case> out = new ArrayList<>(count);
        generate(seed, count, limits, out::add);
        return out;
    }

    private EditRequest request(int i, String id, boolean labeled) {
        Scene s = scenes.scene(seed, i);
        return RequestProducer.toRequest(new Example(id, s.render(), s.instruction(), s.targetMask()), id,
                BASE_TIME.plusMillis(37L * i), labeled);
    }

    private Case valid(int i, Random rnd) {
        String id = "v" + keyPrefix(i);
        return new Case(i, VALID, utf8(keyPrefix(i)), REQUESTS.encode(request(i, id, rnd.nextBoolean())), id,
                Outcome.RESULT, null);
    }

    private interface Shape {
        Case make(HostileRecords g, int i, String id, EditRequest base, Random rnd);
    }

    private static final List<Map.Entry<String, Shape>> SHAPES = List.of(
            // mutations of a valid request
            Map.entry("bit-flips", HostileRecords::bitFlips),
            Map.entry("truncated-record", HostileRecords::truncated),
            Map.entry("id-length-beyond-record", (g, i, id, base, rnd) -> g.lengthEdit(i, id, base, 0, 1L << 30)),
            Map.entry("image-length-beyond-record", (g, i, id, base, rnd) -> g.lengthEdit(i, id, base, 1, 1L << 40)),
            Map.entry("negative-image-length", (g, i, id, base, rnd) -> g.lengthEdit(i, id, base, 1, -5)),
            Map.entry("other-schema-fingerprint", HostileRecords::otherFingerprint),
            Map.entry("broken-avro-marker", HostileRecords::brokenMarker),
            Map.entry("jpeg-signature-on-png", (g, i, id, base, rnd) -> g.imageSignature(i, id, base,
                    new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0})),
            Map.entry("gif-signature-on-png", (g, i, id, base, rnd) -> g.imageSignature(i, id, base,
                    "GIF89a".getBytes(StandardCharsets.US_ASCII))),
            Map.entry("random-bytes", HostileRecords::randomBytes),
            Map.entry("empty-value", (g, i, id, base, rnd) -> g.dead(i, "empty-value", new byte[0], id,
                    DeadLetterKind.UNDECODABLE)),
            Map.entry("tombstone", (g, i, id, base, rnd) -> g.dead(i, "tombstone", null, id, DeadLetterKind.UNDECODABLE)),
            // crafted images: headers declaring huge sizes
            Map.entry("png-declares-100000x100000", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "png-declares-100000x100000", png(100_000, 100_000, 8, 2), DeadLetterKind.IMAGE_TOO_LARGE)),
            Map.entry("png-16bit-rgba-4096x4096-header", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "png-16bit-rgba-4096x4096-header", png(4096, 4096, 16, 6), DeadLetterKind.IMAGE_TOO_LARGE)),
            Map.entry("png-side-20000", (g, i, id, base, rnd) -> g.withImage(i, id, base, "png-side-20000",
                    png(20_000, 1, 8, 0), DeadLetterKind.IMAGE_TOO_LARGE)),
            Map.entry("jpeg-declares-65000x65000", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "jpeg-declares-65000x65000", jpegHeader(65_000, 65_000), DeadLetterKind.IMAGE_TOO_LARGE)),
            Map.entry("gif-declares-65535x65535", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "gif-declares-65535x65535", gif(65_535, 65_535), DeadLetterKind.IMAGE_TOO_LARGE)),
            // ImageIO's BMP reader refuses a header whose size has no pixel rows behind it
            Map.entry("bmp-declares-50000x50000", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "bmp-declares-50000x50000", bmp(50_000, 50_000), DeadLetterKind.BAD_IMAGE)),
            Map.entry("tiff-declares-100000x100000", (g, i, id, base, rnd) -> g.withImage(i, id, base,
                    "tiff-declares-100000x100000", tiff(100_000, 100_000), DeadLetterKind.IMAGE_TOO_LARGE)),
            // crafted images: pixel formats that are valid, and JPEGs that are not
            Map.entry("png-16bit-rgb", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "png-16bit-rgb",
                    image -> Images.encodePng(rgb16(image)))),
            Map.entry("png-palette", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "png-palette",
                    image -> Images.encodePng(convert(image, BufferedImage.TYPE_BYTE_INDEXED)))),
            Map.entry("png-gray", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "png-gray",
                    image -> Images.encodePng(convert(image, BufferedImage.TYPE_BYTE_GRAY)))),
            Map.entry("jpeg-rgb", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "jpeg-rgb", HostileRecords::jpeg)),
            Map.entry("jpeg-gray", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "jpeg-gray",
                    image -> jpeg(convert(image, BufferedImage.TYPE_BYTE_GRAY)))),
            // ImageIO decodes a four-channel JPEG, so the job serves it
            Map.entry("jpeg-cmyk", (g, i, id, base, rnd) -> g.reencoded(i, id, base, "jpeg-cmyk",
                    HostileRecords::cmykJpeg)),
            Map.entry("jpeg-truncated", (g, i, id, base, rnd) -> {
                byte[] jpeg = jpeg(g.image(base));
                return g.withImage(i, id, base, "jpeg-truncated", Arrays.copyOf(jpeg, jpeg.length * 2 / 3),
                        DeadLetterKind.BAD_IMAGE);
            }),
            Map.entry("jpeg-exif-only", (g, i, id, base, rnd) -> g.withImage(i, id, base, "jpeg-exif-only",
                    exifOnlyJpeg(), DeadLetterKind.BAD_IMAGE)),
            // crafted fields
            Map.entry("event-time-min", (g, i, id, base, rnd) -> g.eventTime(i, id, base, "event-time-min",
                    Instant.ofEpochMilli(Long.MIN_VALUE))),
            Map.entry("event-time-max", (g, i, id, base, rnd) -> g.eventTime(i, id, base, "event-time-max",
                    Instant.ofEpochMilli(Long.MAX_VALUE))),
            Map.entry("event-time-in-100-years", (g, i, id, base, rnd) -> g.eventTime(i, id, base,
                    "event-time-in-100-years", BASE_TIME.plus(Duration.ofDays(36_500)))),
            Map.entry("event-time-20-years-ago", (g, i, id, base, rnd) -> g.eventTime(i, id, base,
                    "event-time-20-years-ago", BASE_TIME.minus(Duration.ofDays(7_300)))),
            Map.entry("megabyte-id", (g, i, id, base, rnd) -> {
                base.setId(id + "-" + "x".repeat(1 << 20));
                return g.dead(i, "megabyte-id", REQUESTS.encode(base), id, DeadLetterKind.BAD_ID);
            }),
            Map.entry("control-character-id", (g, i, id, base, rnd) -> {
                base.setId(id + "\u0007\n");
                return g.dead(i, "control-character-id", REQUESTS.encode(base), id, DeadLetterKind.BAD_ID);
            }),
            Map.entry("invalid-utf8-id", HostileRecords::invalidUtf8Id),
            Map.entry("megabyte-attribute", (g, i, id, base, rnd) -> {
                base.setAttributes(Map.of("a", "v".repeat(1 << 20)));
                return g.dead(i, "megabyte-attribute", REQUESTS.encode(base), id, DeadLetterKind.BAD_ATTRIBUTES);
            }),
            Map.entry("too-many-attributes", (g, i, id, base, rnd) -> {
                Map<String, String> many = new HashMap<>();
                for (int k = 0; k <= g.limits.maxAttributes(); k++) {
                    many.put("k" + k, "v");
                }
                base.setAttributes(many);
                return g.dead(i, "too-many-attributes", REQUESTS.encode(base), id, DeadLetterKind.BAD_ATTRIBUTES);
            }),
            Map.entry("blank-instruction", (g, i, id, base, rnd) -> {
                base.setInstruction(" \t ");
                return g.dead(i, "blank-instruction", REQUESTS.encode(base), id, DeadLetterKind.BAD_INSTRUCTION);
            }),
            Map.entry("huge-instruction", (g, i, id, base, rnd) -> {
                base.setInstruction("remove ".repeat(g.limits.maxInstructionChars() / 7 + 1));
                return g.dead(i, "huge-instruction", REQUESTS.encode(base), id, DeadLetterKind.BAD_INSTRUCTION);
            }),
            // free text: control characters and invalid UTF-8 (read as U+FFFD) are the sender's words, not an error
            Map.entry("control-characters-in-instruction", (g, i, id, base, rnd) -> {
                base.setInstruction("remove\u0000 the\u001b[31m red\r\n thing");
                base.setAttributes(Map.of("note\u0001", "\u0000\u007f"));
                return g.valid(i, "control-characters-in-instruction", REQUESTS.encode(base), id);
            }),
            Map.entry("invalid-utf8-in-instruction", HostileRecords::invalidUtf8Instruction),
            // the Kafka key is not the request's id: a megabyte key on a valid request is still a valid request
            Map.entry("megabyte-key", (g, i, id, base, rnd) -> new Case(i, "megabyte-key",
                    utf8(keyPrefix(i) + "-" + "k".repeat(1 << 20)), REQUESTS.encode(base), id, Outcome.RESULT, null)),
            // masks
            Map.entry("mask-wrong-size", (g, i, id, base, rnd) -> g.withMask(i, id, base, "mask-wrong-size",
                    Images.encodePng(Mask.empty(SIZE / 2, SIZE).toImage()), DeadLetterKind.BAD_MASK)),
            Map.entry("mask-not-an-image", (g, i, id, base, rnd) -> g.withMask(i, id, base, "mask-not-an-image",
                    utf8("P1\n32 32\n0 1 0 1"), DeadLetterKind.BAD_MASK)),
            Map.entry("mask-truncated-png", (g, i, id, base, rnd) -> {
                byte[] mask = Images.encodePng(Mask.empty(SIZE, SIZE).toImage());
                return g.withMask(i, id, base, "mask-truncated-png", Arrays.copyOf(mask, mask.length - 6),
                        DeadLetterKind.BAD_MASK);
            }),
            Map.entry("mask-declares-100000x100000", (g, i, id, base, rnd) -> g.withMask(i, id, base,
                    "mask-declares-100000x100000", png(100_000, 100_000, 1, 0), DeadLetterKind.BAD_MASK)),
            // any image of the image's size is a mask (non-black pixels are the edit): a colour JPEG too
            Map.entry("mask-as-colour-jpeg", (g, i, id, base, rnd) -> {
                base.setGroundTruthMask(ByteBuffer.wrap(jpeg(g.image(base))));
                return g.valid(i, "mask-as-colour-jpeg", REQUESTS.encode(base), id);
            }));

    private Case hostile(int i, Random rnd) {
        String id = "h" + keyPrefix(i);
        EditRequest base = request(i, id, true);
        if (i % AT_LIMIT_EVERY == 1) {
            return atTheLimit(i, id, base);
        }
        Map.Entry<String, Shape> shape = SHAPES.get(rnd.nextInt(SHAPES.size()));
        return shape.getValue().make(this, i, id, base, rnd);
    }

    private Case dead(int i, String label, byte[] value, String id, DeadLetterKind kind) {
        return new Case(i, label, utf8(keyPrefix(i)), value, id, Outcome.DEAD_LETTER, kind);
    }

    private Case valid(int i, String label, byte[] value, String id) {
        return new Case(i, label, utf8(keyPrefix(i)), value, id, Outcome.RESULT, null);
    }

    private Case bitFlips(int i, String id, EditRequest base, Random rnd) {
        byte[] value = REQUESTS.encode(base);
        // after the id: a flipped id could turn into another record's id, which no job can tell from a duplicate
        int from = AVRO_HEADER + 1 + id.length();
        int flips = 1 + rnd.nextInt(8);
        for (int f = 0; f < flips; f++) {
            int at = from + rnd.nextInt(value.length - from);
            value[at] ^= (byte) (1 << rnd.nextInt(8));
        }
        return new Case(i, "bit-flips", utf8(keyPrefix(i)), value, id, Outcome.EITHER, null);
    }

    private Case truncated(int i, String id, EditRequest base, Random rnd) {
        byte[] value = REQUESTS.encode(base);
        // at least one byte short: the attributes map's end is the last byte, so no cut leaves a whole record
        return dead(i, "truncated-record", Arrays.copyOf(value, 1 + rnd.nextInt(value.length - 1)), id,
                DeadLetterKind.UNDECODABLE);
    }

    /**
     * Replaces a length field with {@code length}: field 0 is the id's, 1 the image's (after the id and the event
     * time); every one of them reaches past the record.
     */
    private Case lengthEdit(int i, String id, EditRequest base, int field, long length) {
        byte[] value = REQUESTS.encode(base);
        int at = AVRO_HEADER;
        if (field == 1) {
            at += varLongSize(zigZag(id.length())) + id.length() + varLongSize(zigZag(base.getEventTime().toEpochMilli()));
        }
        int old = varLongSize(zigZag(field == 0 ? id.length() : base.getImage().remaining()));
        byte[] edit = varLong(zigZag(length));
        ByteBuffer out = ByteBuffer.allocate(value.length - old + edit.length);
        out.put(value, 0, at).put(edit).put(value, at + old, value.length - at - old);
        String label = field == 0 ? "id-length-beyond-record" : length < 0 ? "negative-image-length"
                : "image-length-beyond-record";
        return dead(i, label, out.array(), id, DeadLetterKind.UNDECODABLE);
    }

    private Case otherFingerprint(int i, String id, EditRequest base, Random rnd) {
        byte[] value = REQUESTS.encode(base);
        // the fingerprint of another schema the job knows nothing of (MaskResult's), little-endian as Avro writes it
        ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(MaskResult.getClassSchema()));
        return dead(i, "other-schema-fingerprint", value, id, DeadLetterKind.UNKNOWN_SCHEMA);
    }

    private Case brokenMarker(int i, String id, EditRequest base, Random rnd) {
        byte[] value = REQUESTS.encode(base);
        value[0] = 'C';
        value[1] = 'x';
        return dead(i, "broken-avro-marker", value, id, DeadLetterKind.UNDECODABLE);
    }

    private Case imageSignature(int i, String id, EditRequest base, byte[] signature) {
        byte[] png = AvroCodec.bytes(base.getImage());
        System.arraycopy(signature, 0, png, 0, signature.length);
        base.setImage(ByteBuffer.wrap(png));
        String label = signature[0] == 'G' ? "gif-signature-on-png" : "jpeg-signature-on-png";
        return dead(i, label, REQUESTS.encode(base), id, DeadLetterKind.BAD_IMAGE);
    }

    private Case randomBytes(int i, String id, EditRequest base, Random rnd) {
        byte[] value = new byte[1 + rnd.nextInt(4096)];
        rnd.nextBytes(value);
        return dead(i, "random-bytes", value, id, DeadLetterKind.UNDECODABLE);
    }

    private Case withImage(int i, String id, EditRequest base, String label, byte[] image, DeadLetterKind kind) {
        base.setImage(ByteBuffer.wrap(image));
        base.setGroundTruthMask(null);
        return dead(i, label, REQUESTS.encode(base), id, kind);
    }

    private Case withMask(int i, String id, EditRequest base, String label, byte[] mask, DeadLetterKind kind) {
        base.setGroundTruthMask(ByteBuffer.wrap(mask));
        return dead(i, label, REQUESTS.encode(base), id, kind);
    }

    private interface Encoding {
        byte[] encode(BufferedImage image);
    }

    /** The base image in another encoding: still the request's picture, so a result; the mask still fits. */
    private Case reencoded(int i, String id, EditRequest base, String label, Encoding encoding) {
        base.setImage(ByteBuffer.wrap(encoding.encode(image(base))));
        return valid(i, label, REQUESTS.encode(base), id);
    }

    private Case eventTime(int i, String id, EditRequest base, String label, Instant time) {
        base.setEventTime(time);
        return dead(i, label, REQUESTS.encode(base), id, DeadLetterKind.BAD_EVENT_TIME);
    }

    /** The id with an invalid UTF-8 sequence in place of two of its characters: decoded as U+FFFD. */
    private Case invalidUtf8Id(int i, String id, EditRequest base, Random rnd) {
        base.setId(id + "??");
        byte[] value = REQUESTS.encode(base);
        int at = AVRO_HEADER + 1 + id.length();
        value[at] = (byte) 0xC3;
        value[at + 1] = (byte) 0x28;
        return dead(i, "invalid-utf8-id", value, id, DeadLetterKind.BAD_ID);
    }

    private Case invalidUtf8Instruction(int i, String id, EditRequest base, Random rnd) {
        String marker = "@@@@";
        base.setInstruction("remove the " + marker + " thing");
        byte[] value = REQUESTS.encode(base);
        int at = indexOf(value, utf8(marker));
        byte[] invalid = {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3, (byte) 0x28};
        System.arraycopy(invalid, 0, value, at, invalid.length);
        return valid(i, "invalid-utf8-in-instruction", value, id);
    }

    /**
     * A record exactly as large as the producer lets one be: a 100 KB key and an image filling the rest. Its
     * dead letter has to be cut to fit, and must not take other records with it.
     */
    private Case atTheLimit(int i, String id, EditRequest base) {
        byte[] key = utf8(keyPrefix(i) + "-" + "k".repeat(100_000));
        byte[] png = AvroCodec.bytes(base.getImage());
        base.setGroundTruthMask(null);
        byte[] value = REQUESTS.encode(base);
        for (int pass = 0; pass < 3; pass++) {
            long room = limits.maxMessageBytes() - producerRecordSize(key, value);
            base.setImage(ByteBuffer.wrap(Arrays.copyOf(png, (int) (base.getImage().remaining() + room))));
            value = REQUESTS.encode(base);
        }
        return new Case(i, "record-at-the-size-limit", key, value, id, Outcome.DEAD_LETTER,
                DeadLetterKind.IMAGE_TOO_LARGE);
    }

    /** The size the Kafka producer checks against {@code max.request.size} for a record alone in its batch. */
    public static int producerRecordSize(byte[] key, byte[] value) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key,
                value, new Header[0]);
    }

    private BufferedImage image(EditRequest base) {
        return Images.decode(AvroCodec.bytes(base.getImage()));
    }

    private static BufferedImage convert(BufferedImage image, int type) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    private static BufferedImage rgb16(BufferedImage image) {
        BufferedImage out = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[]{0, 1, 2}, DataBuffer.TYPE_USHORT, false, false).createBufferedImage(image.getWidth(),
                image.getHeight());
        WritableRaster raster = out.getRaster();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                raster.setPixel(x, y, new int[]{(rgb >> 16 & 0xFF) * 257, (rgb >> 8 & 0xFF) * 257, (rgb & 0xFF) * 257});
            }
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage image) {
        return writeJpeg(new IIOImage(image, null, null));
    }

    /** Four channels (inverted RGB and no black): a CMYK JPEG as print workflows write them. */
    private static byte[] cmykJpeg(BufferedImage image) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, image.getWidth(), image.getHeight(),
                4, null);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                cmyk.setPixel(x, y, new int[]{255 - (rgb >> 16 & 0xFF), 255 - (rgb >> 8 & 0xFF), 255 - (rgb & 0xFF), 0});
            }
        }
        return writeJpeg(new IIOImage(cmyk, null, null));
    }

    private static byte[] writeJpeg(IIOImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, image, null);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A PNG declaring a size and format, with one small IDAT chunk (a compressed run of zeros, as a decompression
     * bomb starts) and IEND: a few hundred bytes.
     */
    static byte[] png(int width, int height, int bitDepth, int colourType) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(new byte[64 * 1024]);
        deflater.finish();
        byte[] idat = new byte[1024];
        idat = Arrays.copyOf(idat, deflater.deflate(idat));
        deflater.end();
        ByteBuffer out = ByteBuffer.allocate(8 + 25 + 12 + idat.length + 12);
        out.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.array();
    }

    private static void chunk(ByteBuffer out, String type, byte[] data) {
        CRC32 crc = new CRC32();
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(typeBytes);
        crc.update(data);
        out.putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue());
    }

    /**
     * Start of image, a baseline frame header declaring the size with three components, the start of a scan and
     * end of image: what a reader needs to know the size and format, and no scan data.
     */
    private static byte[] jpegHeader(int width, int height) {
        ByteBuffer out = ByteBuffer.allocate(2 + 19 + 14 + 2);
        out.putShort((short) 0xFFD8).putShort((short) 0xFFC0).putShort((short) 17).put((byte) 8)
                .putShort((short) height).putShort((short) width).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            out.put((byte) c).put((byte) 0x11).put((byte) 0);
        }
        out.putShort((short) 0xFFDA).putShort((short) 12).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            out.put((byte) c).put((byte) 0);
        }
        out.put((byte) 0).put((byte) 63).put((byte) 0).putShort((short) 0xFFD9);
        return out.array();
    }

    /** Start of image, an APP1 Exif segment, end of image: metadata and no frame. */
    private static byte[] exifOnlyJpeg() {
        byte[] exif = "Exif\0\0II*\0\b\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(2 + 4 + exif.length + 2);
        out.putShort((short) 0xFFD8).putShort((short) 0xFFE1).putShort((short) (exif.length + 2)).put(exif)
                .putShort((short) 0xFFD9);
        return out.array();
    }

    /** A GIF whose screen and first image declare the size, with an empty image and the trailer. */
    private static byte[] gif(int width, int height) {
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        out.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                .put((byte) 0).put((byte) 0).put((byte) 0)
                .put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width)
                .putShort((short) height).put((byte) 0).put((byte) 2).put((byte) 0).put((byte) 0x3B);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A 24-bit BMP header declaring the size, without pixel rows. */
    private static byte[] bmp(int width, int height) {
        ByteBuffer out = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54)
                .putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
        return out.array();
    }

    /** A little-endian baseline TIFF whose one directory declares an 8-bit gray image of the size. */
    private static byte[] tiff(int width, int height) {
        int[][] entries = {{256, 4, width}, {257, 4, height}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1}, {273, 4, 8},
                {277, 3, 1}, {278, 4, height}, {279, 4, 1}};
        ByteBuffer out = ByteBuffer.allocate(8 + 2 + 12 * entries.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8).putShort((short) entries.length);
        for (int[] e : entries) {
            out.putShort((short) e[0]).putShort((short) e[1]).putInt(1);
            if (e[1] == 3) {
                out.putShort((short) e[2]).putShort((short) 0);
            } else {
                out.putInt(e[2]);
            }
        }
        out.putInt(0);
        return out.array();
    }

    private static long zigZag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    private static int varLongSize(long zigZagged) {
        return varLong(zigZagged).length;
    }

    private static byte[] varLong(long zigZagged) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = zigZagged;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("marker not found in the encoded request");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
