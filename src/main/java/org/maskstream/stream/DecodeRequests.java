package org.maskstream.stream;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;
import org.maskstream.util.Failures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes and validates raw request records. Never throws for any input: every refusal becomes a
 * {@link DeadLetters#TAG} side output with the original bytes, its kind and a reason a person can act on.
 *
 * <p>Every field is bounded before it is used, in order: Avro single-object header and a known writer schema
 * (lengths checked against the record before allocation, {@link AvroCodec}), the id (non-blank, at most
 * {@code max.id-bytes}, printable: it is the results' key), the event time (within {@code event-time.max-past-ms}
 * before and {@code event-time.max-future-ms} after the job's clock: it drives the watermark), the attributes
 * (count and sizes: they are copied into the result), the instruction (non-blank, at most
 * {@code max.instruction-chars}), the image (byte limit; then from its header: pixels, sides and decoded bytes; the
 * end marker) and the optional ground-truth mask (the same, and the image's size). Pixels are decoded once, by the
 * inference batch ({@link DecodedRequest}), which must get the declared size. An {@link OutOfMemoryError} or
 * {@link StackOverflowError} while decoding one record is that record's dead letter: its allocations are gone once
 * it unwinds.
 */
public class DecodeRequests extends ProcessFunction<RawRecord, InferenceRequest> {
    private static final long serialVersionUID = 1L;
    private static final char REPLACEMENT = '\uFFFD';

    private final StreamConfig config;
    private final AvroCodec<EditRequest> codec;

    public DecodeRequests(StreamConfig config) {
        this.config = config;
        this.codec = AvroCodec.of(EditRequest.class, config.schemasDir());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<InferenceRequest> out) {
        Refusal refusal = decode(raw, out);
        if (refusal != null) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(raw, refusal.kind, refusal.reason));
        }
    }

    /** Why a record was refused: its dead-letter kind and a reason a person can act on. */
    public record Refusal(DeadLetterKind kind, String reason) {
    }

    /**
     * Decodes and checks one record: emits the request to {@code out} and returns null, or returns why it was
     * refused. Never throws.
     */
    public Refusal decode(RawRecord raw, Collector<InferenceRequest> out) {
        try {
            return validate(raw, out);
        } catch (RuntimeException e) {
            return new Refusal(DeadLetterKind.UNDECODABLE, "unexpected decoding failure: " + e);
        } catch (Error e) {
            if (!Failures.isOwnedByTheWork(e)) {
                throw e;
            }
            return new Refusal(DeadLetterKind.UNDECODABLE, "decoding the record failed: " + e);
        }
    }

    /** An image or mask that passed its checks: its header and the heap its decoded raster takes. */
    private record Checked(ImageHeader header, Refusal refusal) {
    }

    private Refusal validate(RawRecord raw, Collector<InferenceRequest> out) {
        if (raw.value == null || raw.value.length == 0) {
            return new Refusal(DeadLetterKind.UNDECODABLE, "the record has no value");
        }
        EditRequest request;
        try {
            request = codec.decode(raw.value);
        } catch (AvroCodec.DecodeException e) {
            return new Refusal(e.unknownSchema() ? DeadLetterKind.UNKNOWN_SCHEMA : DeadLetterKind.UNDECODABLE,
                    e.getMessage());
        }
        Refusal refusal = checkId(request.getId());
        if (refusal == null) {
            refusal = checkEventTime(request.getEventTime().toEpochMilli(), System.currentTimeMillis());
        }
        if (refusal == null) {
            refusal = checkAttributes(request.getAttributes());
        }
        if (refusal == null) {
            refusal = checkInstruction(request.getInstruction());
        }
        if (refusal != null) {
            return refusal;
        }
        Checked image = checkImage(AvroCodec.bytes(request.getImage()), DeadLetterKind.BAD_IMAGE, DeadLetterKind.IMAGE_TOO_LARGE,
                "the image", null);
        if (image.refusal != null) {
            return image.refusal;
        }
        long decodedBytes = image.header.decodedBytes();
        if (request.getGroundTruthMask() != null) {
            Checked mask = checkImage(AvroCodec.bytes(request.getGroundTruthMask()), DeadLetterKind.BAD_MASK,
                    DeadLetterKind.BAD_MASK, "the ground-truth mask", image.header);
            if (mask.refusal != null) {
                return mask.refusal;
            }
            decodedBytes += mask.header.decodedBytes();
        }
        out.collect(InferenceRequest.newBuilder()
                .setRequest(request)
                .setWidth(image.header.width())
                .setHeight(image.header.height())
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setReceivedAtMs(System.currentTimeMillis())
                .setDecodedBytes(decodedBytes)
                .setModel(null)
                .build());
        return null;
    }

    private Refusal checkId(String id) {
        if (id.isBlank()) {
            return new Refusal(DeadLetterKind.BAD_ID, "the request id is blank");
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > config.maxIdBytes()) {
            return new Refusal(DeadLetterKind.BAD_ID, String.format(Locale.ROOT,
                    "the request id has %d bytes (UTF-8), more than the limit of %d (%s)", bytes, config.maxIdBytes(),
                    StreamConfig.Key.MAX_ID_BYTES.key()));
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c) || c == REPLACEMENT) {
                return new Refusal(DeadLetterKind.BAD_ID, String.format(Locale.ROOT,
                        "the request id has %s at character %d; ids are printable UTF-8", c == REPLACEMENT
                                ? "invalid UTF-8 (U+FFFD)" : String.format(Locale.ROOT, "control character U+%04X", (int) c), i));
            }
        }
        return null;
    }

    private Refusal checkEventTime(long eventMs, long nowMs) {
        long ahead = saturatingSubtract(eventMs, nowMs);
        if (ahead > config.eventTimeMaxFuture().toMillis()) {
            return new Refusal(DeadLetterKind.BAD_EVENT_TIME, String.format(Locale.ROOT,
                    "the event time %d is %d ms after the job's clock, more than %s (%d)", eventMs, ahead,
                    StreamConfig.Key.EVENT_TIME_MAX_FUTURE_MS.key(), config.eventTimeMaxFuture().toMillis()));
        }
        if (-ahead > config.eventTimeMaxPast().toMillis()) {
            return new Refusal(DeadLetterKind.BAD_EVENT_TIME, String.format(Locale.ROOT,
                    "the event time %d is more than %s (%d ms) before the job's clock", eventMs,
                    StreamConfig.Key.EVENT_TIME_MAX_PAST_MS.key(), config.eventTimeMaxPast().toMillis()));
        }
        return null;
    }

    private static long saturatingSubtract(long a, long b) {
        try {
            return Math.subtractExact(a, b);
        } catch (ArithmeticException e) {
            return a < b ? -Long.MAX_VALUE : Long.MAX_VALUE;
        }
    }

    private Refusal checkAttributes(Map<String, String> attributes) {
        if (attributes.size() > config.maxAttributes()) {
            return new Refusal(DeadLetterKind.BAD_ATTRIBUTES, String.format(Locale.ROOT,
                    "the request has %d attributes, more than the limit of %d (%s)", attributes.size(),
                    config.maxAttributes(), StreamConfig.Key.MAX_ATTRIBUTES.key()));
        }
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            int longest = Math.max(e.getKey().length(), e.getValue().length());
            if (longest > config.maxAttributeChars()) {
                return new Refusal(DeadLetterKind.BAD_ATTRIBUTES, String.format(Locale.ROOT,
                        "an attribute name or value has %d characters, more than the limit of %d (%s)", longest,
                        config.maxAttributeChars(), StreamConfig.Key.MAX_ATTRIBUTE_CHARS.key()));
            }
        }
        return null;
    }

    private Refusal checkInstruction(String instruction) {
        if (instruction.isBlank()) {
            return new Refusal(DeadLetterKind.BAD_INSTRUCTION, "the instruction is empty");
        }
        if (instruction.length() > config.maxInstructionChars()) {
            return new Refusal(DeadLetterKind.BAD_INSTRUCTION, String.format(Locale.ROOT,
                    "the instruction has %d characters, more than the limit of %d (%s)",
                    instruction.length(), config.maxInstructionChars(), StreamConfig.Key.MAX_INSTRUCTION_CHARS.key()));
        }
        return null;
    }

    /**
     * Checks an encoded image: bytes, then (from its header) pixels, sides and decoded bytes, then the end marker. {@code sameSizeAs}: the image a mask must match, or null.
     */
    private Checked checkImage(byte[] encoded, DeadLetterKind bad, DeadLetterKind tooLarge, String what,
                               ImageHeader sameSizeAs) {
        if (encoded.length > config.maxImageBytes()) {
            return refused(tooLarge, String.format(Locale.ROOT, "%s has %d bytes, more than the limit of %d (%s)", what,
                    encoded.length, config.maxImageBytes(), StreamConfig.Key.MAX_IMAGE_BYTES.key()));
        }
        try {
            ImageHeader header = ImageHeader.read(encoded);
            if (sameSizeAs != null && !header.sameSize(sameSizeAs)) {
                return refused(bad, String.format(Locale.ROOT, "%s is %dx%d but the image is %dx%d", what,
                        header.width(), header.height(), sameSizeAs.width(), sameSizeAs.height()));
            }
            if (header.pixels() > config.maxImagePixels()) {
                return refused(tooLarge, String.format(Locale.ROOT,
                        "%s is %dx%d = %d pixels, more than the limit of %d (%s)", what, header.width(), header.height(),
                        header.pixels(), config.maxImagePixels(), StreamConfig.Key.MAX_IMAGE_PIXELS.key()));
            }
            if (Math.max(header.width(), header.height()) > config.maxImageSide()) {
                return refused(tooLarge, String.format(Locale.ROOT, "%s is %dx%d, a side longer than the limit of %d (%s)",
                        what, header.width(), header.height(), config.maxImageSide(), StreamConfig.Key.MAX_IMAGE_SIDE.key()));
            }
            if (header.decodedBytes() > config.maxDecodedBytes()) {
                return refused(tooLarge, String.format(Locale.ROOT,
                        "%s is %dx%d at %d bytes per pixel = %d bytes decoded, more than the limit of %d (%s)", what,
                        header.width(), header.height(), header.bytesPerPixel(), header.decodedBytes(),
                        config.maxDecodedBytes(), StreamConfig.Key.MAX_DECODED_BYTES.key()));
            }
            ImageHeader.checkComplete(encoded);
            return new Checked(header, null);
        } catch (IOException | IllegalArgumentException e) {
            return refused(bad, what + " cannot be read: " + e.getMessage());
        } catch (Error e) {
            if (!Failures.isOwnedByTheWork(e)) {
                throw e;
            }
            return refused(tooLarge, "decoding " + what + " failed (" + e + "); it is refused rather than retried");
        }
    }

    private static Checked refused(DeadLetterKind kind, String reason) {
        return new Checked(null, new Refusal(kind, reason));
    }
}
