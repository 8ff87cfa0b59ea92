package org.maskstream.stream;

import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.maskstream.avro.DeadLetter;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Upper bounds of the job's output records, derived from the configured input limits, so every result and dead
 * letter fits {@code max.message-bytes} by construction rather than by the slack of one test: a record the Kafka
 * writer refuses fails the task, and the request replays into the same refusal after every restart.
 *
 * <p>Bounds are in bytes of one Kafka record alone in its batch, as the producer counts it against
 * {@code max.request.size}: the batch and record framing, the key, and the single-object encoded value (every Avro
 * int/long as its longest varint, every string at 3 bytes per char, which covers UTF-8 of any UTF-16 char).
 */
public final class OutputLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Batch header plus a record's own framing (attributes, timestamp/offset deltas, lengths, header count). */
    static final int KAFKA_FRAMING = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + DefaultRecord.MAX_RECORD_OVERHEAD;
    /** Avro single-object header: marker and fingerprint. */
    private static final int AVRO_HEADER = 10;
    private static final int VARINT = 5;
    private static final int VARLONG = 10;
    /** Longest reason a dead letter carries; longer ones (an exception quoting its input) are cut. */
    static final int MAX_REASON_CHARS = 2000;
    /** Kafka's own limit on topic names. */
    private static final int MAX_TOPIC_CHARS = 249;
    /** Longest model version a result may name ({@link ModelStore} refuses a model that reports a longer one). */
    static final int MAX_MODEL_VERSION_CHARS = 128;
    /**
     * A dead letter's fields besides key, value, reason and topic: header, kind, the two union indexes and length
     * prefixes of key and value, partition, offset, time, truncated, and the two optional original sizes.
     */
    private static final int DEAD_LETTER_FIXED = AVRO_HEADER + VARINT + 2 * (1 + VARINT) + VARINT + VARLONG + VARLONG
            + 1 + 2 * (1 + VARINT);
    /**
     * A result's fields besides id, model version, mask and attributes: header, event time, width, height, box,
     * coverage, confidence, IoU, pixel counts, latency, the map's block count and end.
     */
    private static final int RESULT_FIXED = AVRO_HEADER + VARLONG + 2 * VARINT + 1 + 4 * VARINT + 8 + 8 + 1 + 8
            + 1 + 4 * VARLONG + VARLONG + VARLONG + 1;
    /** PNG signature, IHDR, a palette of two entries, IEND, and room for the writer's ancillary chunks. */
    private static final int PNG_FIXED = 8 + 25 + 18 + 12 + 256;
    /** Every IDAT chunk's length, type and CRC; the JDK's writer fills chunks of at least this many bytes. */
    private static final int PNG_CHUNK_FRAMING = 12;
    private static final int PNG_MIN_CHUNK = 4096;

    private final int maxMessageBytes;
    private final int maxKeyBytes;
    private final long maxResultBytes;
    private final int maxDeadLetterValueBytes;

    private OutputLimits(StreamConfig config) {
        maxMessageBytes = config.maxMessageBytes();
        // A valid request's key is its id; a longer key is cut in its dead letter.
        maxKeyBytes = config.maxIdBytes();
        long attributes = (long) config.maxAttributes() * 2 * (VARINT + 3L * config.maxAttributeChars());
        maxResultBytes = KAFKA_FRAMING + maxKeyBytes + RESULT_FIXED + VARINT + config.maxIdBytes()
                + VARINT + 3L * MAX_MODEL_VERSION_CHARS + VARINT
                // h rows of a filter byte and ceil(w / 8) bytes: at most 2h + w*h/8, h at most the longest side
                + pngBytes(2L * config.maxImageSide() + config.maxImagePixels() / 8) + attributes;
        maxDeadLetterValueBytes = (int) Math.max(0, (long) maxMessageBytes - KAFKA_FRAMING - 2L * maxKeyBytes
                - DEAD_LETTER_FIXED - (VARINT + 3L * MAX_REASON_CHARS) - (VARINT + 3L * MAX_TOPIC_CHARS));
    }

    public static OutputLimits of(StreamConfig config) {
        return new OutputLimits(config);
    }

    /** Largest 1-bit PNG of a {@code width x height} mask, whatever its pixels. */
    static long maxMaskPngBytes(long width, long height) {
        return pngBytes(height * (1 + (width + 7) / 8));
    }

    /**
     * Largest PNG of {@code raw} filtered image bytes: zlib's worst expansion (incompressible data is stored, 5 bytes
     * per block of up to 16 KB, plus header and checksum) and the chunks' framing.
     */
    private static long pngBytes(long raw) {
        long zlib = raw + 5 * (raw / 16_383 + 1) + 6;
        return PNG_FIXED + zlib + PNG_CHUNK_FRAMING * (zlib / PNG_MIN_CHUNK + 1);
    }

    /** The most bytes a result record can take under these limits. */
    public long maxResultBytes() {
        return maxResultBytes;
    }

    /** The most bytes of the original value a dead letter carries. */
    int maxDeadLetterValueBytes() {
        return maxDeadLetterValueBytes;
    }

    /**
     * Why results or dead letters could exceed {@code max.message-bytes} under {@code config}, or null when they
     * cannot.
     */
    static String problem(StreamConfig config) {
        OutputLimits limits = new OutputLimits(config);
        if (limits.maxResultBytes > config.maxMessageBytes()) {
            return String.format(Locale.ROOT, "a result could take %d bytes, more than %s (%d): lower %s, %s, %s or "
                            + "%s, or raise the record limit", limits.maxResultBytes,
                    StreamConfig.Key.MAX_MESSAGE_BYTES.key(), config.maxMessageBytes(),
                    StreamConfig.Key.MAX_IMAGE_PIXELS.key(), StreamConfig.Key.MAX_ID_BYTES.key(),
                    StreamConfig.Key.MAX_ATTRIBUTES.key(), StreamConfig.Key.MAX_ATTRIBUTE_CHARS.key());
        }
        if (limits.maxDeadLetterValueBytes < config.maxMessageBytes() / 2) {
            return String.format(Locale.ROOT, "a dead letter would keep only %d bytes of its record, less than half of"
                            + " %s (%d): lower %s", limits.maxDeadLetterValueBytes,
                    StreamConfig.Key.MAX_MESSAGE_BYTES.key(), config.maxMessageBytes(), StreamConfig.Key.MAX_ID_BYTES.key());
        }
        return null;
    }

    /**
     * {@code dead} when it fits a record; else a copy with the key, the value, the reason and the topic cut to their
     * bounds, {@code truncated} set, the original sizes recorded and the reason saying so.
     */
    public DeadLetter fit(DeadLetter dead) {
        int keyBytes = dead.getKey() == null ? 0 : dead.getKey().remaining();
        int valueBytes = dead.getValue() == null ? 0 : dead.getValue().remaining();
        boolean cutKey = keyBytes > maxKeyBytes;
        boolean cutValue = valueBytes > maxDeadLetterValueBytes;
        boolean cutReason = dead.getReason().length() > MAX_REASON_CHARS;
        boolean cutTopic = dead.getTopic().length() > MAX_TOPIC_CHARS;
        if (!cutKey && !cutValue && !cutReason && !cutTopic) {
            return dead;
        }
        DeadLetter.Builder fitted = DeadLetter.newBuilder(dead);
        String note = "";
        if (cutKey || cutValue) {
            fitted.setTruncated(true);
            note = String.format(Locale.ROOT, "[truncated to fit %s: key %d of %d bytes, value %d of %d bytes] ",
                    StreamConfig.Key.MAX_MESSAGE_BYTES.key(), Math.min(keyBytes, maxKeyBytes), keyBytes,
                    Math.min(valueBytes, maxDeadLetterValueBytes), valueBytes);
        }
        if (cutKey) {
            fitted.setKey(prefix(dead.getKey(), maxKeyBytes)).setOriginalKeyBytes(keyBytes);
        }
        if (cutValue) {
            fitted.setValue(prefix(dead.getValue(), maxDeadLetterValueBytes)).setOriginalValueBytes(valueBytes);
        }
        String reason = note + dead.getReason();
        fitted.setReason(reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS - 3) + "..." : reason);
        if (cutTopic) {
            fitted.setTopic(dead.getTopic().substring(0, MAX_TOPIC_CHARS));
        }
        return fitted.build();
    }

    private static ByteBuffer prefix(ByteBuffer buffer, int n) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[n];
        b.get(out);
        return ByteBuffer.wrap(out);
    }
}
