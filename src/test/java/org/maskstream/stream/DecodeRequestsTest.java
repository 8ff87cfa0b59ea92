package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodeRequestsTest {
    private static final AvroCodec<EditRequest> CODEC = AvroCodec.of(EditRequest.class);
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    /** Runs the decoder over raw values; returns the requests it passed and the dead letters it made. */
    private static Decoded decode(StreamConfig config, byte[]... values) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, InferenceRequest> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new DecodeRequests(config)))) {
            harness.open();
            for (int i = 0; i < values.length; i++) {
                harness.processElement(new RawRecord("k".getBytes(StandardCharsets.UTF_8), values[i], "edit-requests",
                        1, i, 0L), 0L);
            }
            List<DeadLetter> dead = new ArrayList<>();
            var side = harness.getSideOutput(DeadLetters.TAG);
            if (side != null) {
                side.forEach(r -> dead.add(r.getValue()));
            }
            return new Decoded(harness.extractOutputValues(), dead);
        }
    }

    private record Decoded(List<InferenceRequest> passed, List<DeadLetter> refused) {
    }

    private static DeadLetter refusedOnce(StreamConfig config, byte[] value) throws Exception {
        Decoded d = decode(config, value);
        assertEquals(List.of(), d.passed());
        assertEquals(1, d.refused().size());
        return d.refused().get(0);
    }

    private static final StreamConfig DEFAULTS = StreamConfig.builder().build();

    @Test
    void passesAValidRequestWithItsSizeAndSource() throws Exception {
        EditRequest req = TestRequests.request("ok", 1, true, T);
        Decoded d = decode(DEFAULTS, CODEC.encode(req));
        assertEquals(List.of(), d.refused());
        InferenceRequest in = d.passed().get(0);
        assertEquals(req, in.getRequest());
        assertEquals(TestRequests.SIZE, in.getWidth());
        assertEquals(TestRequests.SIZE, in.getHeight());
        assertEquals("edit-requests", in.getSourceTopic());
        assertNull(in.getModel(), "the model is tagged later");
    }

    @Test
    void refusesEachKindOfBadInputWithItsOriginalBytes() throws Exception {
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        DeadLetter undecodable = refusedOnce(DEFAULTS, garbage);
        assertEquals(DeadLetterKind.UNDECODABLE, undecodable.getKind());
        assertEquals(ByteBuffer.wrap(garbage), undecodable.getValue());
        assertEquals(0L, undecodable.getOffset());

        EditRequest truncated = TestRequests.request("t", 2, false, T);
        byte[] png = AvroCodec.bytes(truncated.getImage());
        truncated.setImage(ByteBuffer.wrap(Arrays.copyOf(png, png.length - 20)));
        assertEquals(DeadLetterKind.BAD_IMAGE, refusedOnce(DEFAULTS, CODEC.encode(truncated)).getKind());

        EditRequest notAnImage = TestRequests.request("n", 3, false, T);
        notAnImage.setImage(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        assertEquals(DeadLetterKind.BAD_IMAGE, refusedOnce(DEFAULTS, CODEC.encode(notAnImage)).getKind());

        EditRequest tooLong = TestRequests.request("l", 4, false, T);
        tooLong.setInstruction("x".repeat(DEFAULTS.maxInstructionChars() + 1));
        DeadLetter longInstruction = refusedOnce(DEFAULTS, CODEC.encode(tooLong));
        assertEquals(DeadLetterKind.BAD_INSTRUCTION, longInstruction.getKind());
        assertTrue(longInstruction.getReason().contains("maskstream.max.instruction-chars"));

        EditRequest badMask = TestRequests.request("m", 5, false, T);
        badMask.setGroundTruthMask(ByteBuffer.wrap("not a png".getBytes(StandardCharsets.UTF_8)));
        assertEquals(DeadLetterKind.BAD_MASK, refusedOnce(DEFAULTS, CODEC.encode(badMask)).getKind());

        EditRequest blankId = TestRequests.request("b", 6, false, T);
        blankId.setId(" ");
        assertEquals(DeadLetterKind.BAD_ID, refusedOnce(DEFAULTS, CODEC.encode(blankId)).getKind());
        assertEquals(DeadLetterKind.UNDECODABLE, refusedOnce(DEFAULTS, new byte[0]).getKind());
    }

    @Test
    void refusesImagesOverThePixelLimitBeforeDecodingThem() throws Exception {
        StreamConfig small = StreamConfig.builder().set(StreamConfig.Key.MAX_IMAGE_PIXELS, 100).build();
        EditRequest req = TestRequests.request("big", 7, false, T);
        DeadLetter d = refusedOnce(small, CODEC.encode(req));
        assertEquals(DeadLetterKind.IMAGE_TOO_LARGE, d.getKind());
        assertTrue(d.getReason().contains("32x32"), d.getReason());
    }

    @Test
    void keepsGoingAfterPoison() throws Exception {
        BufferedImage img = Mask.empty(8, 8).toImage();
        EditRequest tiny = TestRequests.request("tiny", 8, false, T);
        tiny.setImage(ByteBuffer.wrap(Images.encodePng(img)));
        Decoded d = decode(DEFAULTS, new byte[]{(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 'i', 'd'}, CODEC.encode(tiny),
                CODEC.encode(TestRequests.request("after", 9, true, T)));
        assertEquals(List.of("tiny", "after"), d.passed().stream().map(r -> r.getRequest().getId()).toList());
        assertEquals(List.of(DeadLetterKind.UNKNOWN_SCHEMA), d.refused().stream().map(DeadLetter::getKind).toList());
    }

    @Test
    void refusesEventTimesOutsideTheWindowAroundTheJobsClock() throws Exception {
        Instant now = Instant.now();
        for (Instant hostile : List.of(Instant.ofEpochMilli(Long.MIN_VALUE), Instant.ofEpochMilli(Long.MAX_VALUE),
                now.plus(Duration.ofDays(1)), now.minus(Duration.ofDays(3651)))) {
            DeadLetter d = refusedOnce(DEFAULTS, CODEC.encode(TestRequests.request("t", 1, true, hostile)));
            assertEquals(DeadLetterKind.BAD_EVENT_TIME, d.getKind(), hostile.toString());
            assertTrue(d.getReason().contains("maskstream.event-time.max-"), d.getReason());
        }
        assertEquals(1, decode(DEFAULTS, CODEC.encode(TestRequests.request("ok", 1, true, now))).passed().size());
    }

    @Test
    void refusesIdsThatAreTooLongOrNotPrintable() throws Exception {
        for (String id : List.of("x".repeat(1 << 20), "x".repeat(DEFAULTS.maxIdBytes() / 2 + 1).replace("x", "\u00e9"),
                "a\u0000b", "line\nbreak", "bad\ufffdutf8", "\u009b[31m")) {
            DeadLetter d = refusedOnce(DEFAULTS, CODEC.encode(TestRequests.request(id, 1, false, T)));
            assertEquals(DeadLetterKind.BAD_ID, d.getKind(), d.getReason());
        }
        String longest = "\u00e9".repeat(DEFAULTS.maxIdBytes() / 2);
        assertEquals(1, decode(DEFAULTS, CODEC.encode(TestRequests.request(longest, 1, false, T))).passed().size());
    }

    @Test
    void refusesTooManyOrTooLongAttributes() throws Exception {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i <= DEFAULTS.maxAttributes(); i++) {
            many.put("k" + i, "v");
        }
        Map<String, String> longValue = Map.of("k", "v".repeat(1 << 20));
        Map<String, String> longName = Map.of("k".repeat(DEFAULTS.maxAttributeChars() + 1), "v");
        for (Map<String, String> attributes : List.of(many, longValue, longName)) {
            EditRequest req = TestRequests.request("a", 1, false, T);
            req.setAttributes(attributes);
            DeadLetter d = refusedOnce(DEFAULTS, CODEC.encode(req));
            assertEquals(DeadLetterKind.BAD_ATTRIBUTES, d.getKind(), d.getReason());
        }
    }

    @Test
    void refusesImagesWhoseDecodedSizeIsOverTheLimitBeforeDecodingThem() throws Exception {
        // 4096 x 4096 16-bit RGBA: within the pixel limit, 128 MiB decoded; only the header is needed to refuse it.
        EditRequest huge = TestRequests.request("h", 1, false, T);
        huge.setImage(ByteBuffer.wrap(pngHeaderOnly(4096, 4096, 16, 6)));
        DeadLetter d = refusedOnce(DEFAULTS, CODEC.encode(huge));
        assertEquals(DeadLetterKind.IMAGE_TOO_LARGE, d.getKind());
        assertTrue(d.getReason().contains("8 bytes per pixel") && d.getReason().contains("maskstream.max.decoded-bytes"),
                d.getReason());

        StreamConfig small = StreamConfig.builder().set(StreamConfig.Key.MAX_DECODED_BYTES, 100_000)
                .set(StreamConfig.Key.BATCH_MAX_DECODED_BYTES, 100_000).build();
        EditRequest wide = TestRequests.request("w", 1, false, T);
        wide.setImage(ByteBuffer.wrap(Images.encodePng(rgba16(128, 128))));
        assertEquals(DeadLetterKind.IMAGE_TOO_LARGE, refusedOnce(small, CODEC.encode(wide)).getKind());
        EditRequest narrow = TestRequests.request("n", 1, false, T);
        narrow.setImage(ByteBuffer.wrap(Images.encodePng(rgba16(64, 64))));
        InferenceRequest passed = decode(small, CODEC.encode(narrow)).passed().get(0);
        assertEquals(64L * 64 * 8, passed.getDecodedBytes());
    }

    /** A PNG of only its signature, header and end chunks: enough to declare a size and a pixel format. */
    static byte[] pngHeaderOnly(int width, int height, int bitDepth, int colourType) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        out.writeInt(data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.write(typeBytes);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** A flat 16-bit-per-channel RGBA image. */
    static BufferedImage rgba16(int width, int height) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(width, height);
        return new BufferedImage(model, raster, false, null);
    }
}
