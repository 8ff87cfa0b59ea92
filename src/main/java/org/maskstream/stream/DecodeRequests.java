package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Decodes and validates raw request records. Never throws for any input: every refusal becomes a
 * {@link DeadLetters#TAG} side output with the original bytes, its kind and a reason a person can act on.
 *
 * <p>Checks, in order: Avro single-object header and a known writer schema, a non-blank id, the instruction
 * (non-blank, at most {@code max.instruction-chars}), the image (byte limit, pixel limit read from the header,
 * the end marker, so truncated files are caught here) and the optional ground-truth mask (byte limit, header of the
 * image's size, end marker). Pixels are decoded once, by the inference batch ({@link DecodedRequest}): a body that
 * passes these checks and still does not decode becomes a {@code BAD_IMAGE} / {@code BAD_MASK} dead letter there.
 */
public class DecodeRequests extends ProcessFunction<RawRecord, InferenceRequest> {
    private static final long serialVersionUID = 1L;

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
        }
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
        if (request.getId().isBlank()) {
            return new Refusal(DeadLetterKind.UNDECODABLE, "the request id is blank");
        }
        String instruction = request.getInstruction();
        if (instruction.isBlank()) {
            return new Refusal(DeadLetterKind.BAD_INSTRUCTION, "the instruction is empty");
        }
        if (instruction.length() > config.maxInstructionChars()) {
            return new Refusal(DeadLetterKind.BAD_INSTRUCTION, String.format(Locale.ROOT,
                    "the instruction has %d characters, more than the limit of %d (%s)",
                    instruction.length(), config.maxInstructionChars(), StreamConfig.Key.MAX_INSTRUCTION_CHARS.key()));
        }
        byte[] image = AvroCodec.bytes(request.getImage());
        ImageHeader size;
        try {
            Refusal tooLarge = checkBytes(image);
            if (tooLarge != null) {
                return tooLarge;
            }
            size = ImageHeader.read(image);
            tooLarge = checkPixels(size);
            if (tooLarge != null) {
                return tooLarge;
            }
            ImageHeader.checkComplete(image);
        } catch (IOException | IllegalArgumentException e) {
            return new Refusal(DeadLetterKind.BAD_IMAGE, "the image cannot be read: " + e.getMessage());
        }
        if (request.getGroundTruthMask() != null) {
            Refusal badMask = checkMask(AvroCodec.bytes(request.getGroundTruthMask()), size);
            if (badMask != null) {
                return badMask;
            }
        }
        out.collect(InferenceRequest.newBuilder()
                .setRequest(request)
                .setWidth(size.width())
                .setHeight(size.height())
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setSourcePartition(raw.partition)
                .setSourceOffset(raw.offset)
                .setReceivedAtMs(System.currentTimeMillis())
                .setModel(null)
                .build());
        return null;
    }

    private Refusal checkMask(byte[] mask, ImageHeader imageSize) {
        if (mask.length > config.maxImageBytes()) {
            return new Refusal(DeadLetterKind.BAD_MASK, String.format(Locale.ROOT,
                    "the ground-truth mask has %d bytes, more than the limit of %d (%s)",
                    mask.length, config.maxImageBytes(), StreamConfig.Key.MAX_IMAGE_BYTES.key()));
        }
        try {
            ImageHeader size = ImageHeader.read(mask);
            if (!size.equals(imageSize)) {
                return new Refusal(DeadLetterKind.BAD_MASK, String.format(Locale.ROOT,
                        "the ground-truth mask is %dx%d but the image is %dx%d",
                        size.width(), size.height(), imageSize.width(), imageSize.height()));
            }
            ImageHeader.checkComplete(mask);
            return null;
        } catch (IOException | IllegalArgumentException e) {
            return new Refusal(DeadLetterKind.BAD_MASK, "the ground-truth mask cannot be read: " + e.getMessage());
        }
    }

    private Refusal checkBytes(byte[] image) {
        if (image.length > config.maxImageBytes()) {
            return new Refusal(DeadLetterKind.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "the image has %d bytes, more than the limit of %d (%s)",
                    image.length, config.maxImageBytes(), StreamConfig.Key.MAX_IMAGE_BYTES.key()));
        }
        return null;
    }

    private Refusal checkPixels(ImageHeader size) {
        if (size.pixels() > config.maxImagePixels()) {
            return new Refusal(DeadLetterKind.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "the image is %dx%d = %d pixels, more than the limit of %d (%s)", size.width(), size.height(),
                    size.pixels(), config.maxImagePixels(), StreamConfig.Key.MAX_IMAGE_PIXELS.key()));
        }
        return null;
    }

}
