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

import java.awt.image.BufferedImage;
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
        assertEquals(DeadLetterKind.UNDECODABLE, refusedOnce(DEFAULTS, CODEC.encode(blankId)).getKind());
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
}
