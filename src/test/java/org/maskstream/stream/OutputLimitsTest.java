package org.maskstream.stream;

import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.data.Mask;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.AvroSerialization;
import org.maskstream.events.RawRecord;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputLimitsTest {
    private static final StreamConfig SMALL = StreamConfig.fromMap(Map.of("maskstream.max.message-bytes", "65536",
            "maskstream.max.image-bytes", "16384", "maskstream.max.image-pixels", "65536", "maskstream.max.image-side", "256",
            "maskstream.max.attributes", "8"));
    private static final AvroSerialization<DeadLetter> DLQ = new AvroSerialization<>(DeadLetter.class);

    /** What Kafka's producer counts against {@code max.request.size} for a record alone in its batch. */
    private static int kafkaSize(byte[] key, byte[] value) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                key == null ? null : ByteBuffer.wrap(key), ByteBuffer.wrap(value), new Header[0]);
    }

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aDeadLetterOfARecordAsLargeAsTheTopicAllowsIsTruncatedToFitAndSaysSo() {
        // A long key (copied into the dead letter's key and value), then a value as large as the input topic allows.
        for (int keyBytes : new int[] {30_000, 200}) {
            byte[] key = filled(keyBytes, 1);
            byte[] value = filled(SMALL.maxMessageBytes() - keyBytes - OutputLimits.KAFKA_FRAMING, 2);
            RawRecord raw = new RawRecord(key, value, "t".repeat(300), 3, 7L, 0L);
            DeadLetter dead = DeadLetters.of(raw, DeadLetterKind.UNDECODABLE, "why: " + "\u00e9".repeat(1 << 20));

            DeadLetter fitted = OutputLimits.of(SMALL).fit(dead);
            byte[] outKey = AvroCodec.bytes(fitted.getKey());
            byte[] outValue = AvroCodec.bytes(fitted.getValue());
            int size = kafkaSize(outKey, DLQ.serialize(fitted));
            assertTrue(size <= SMALL.maxMessageBytes(), size + " bytes");
            assertTrue(fitted.getTruncated());
            assertEquals(key.length > outKey.length ? key.length : null, fitted.getOriginalKeyBytes());
            assertEquals(value.length > outValue.length ? value.length : null, fitted.getOriginalValueBytes());
            assertTrue(key.length > outKey.length || value.length > outValue.length);
            assertTrue(outValue.length > 0 && Arrays.equals(outValue, Arrays.copyOf(value, outValue.length)));
            assertTrue(Arrays.equals(outKey, Arrays.copyOf(key, outKey.length)));
            assertTrue(fitted.getReason().startsWith("[truncated"), fitted.getReason().substring(0, 100));
            assertTrue(fitted.getReason().length() <= OutputLimits.MAX_REASON_CHARS);
            assertEquals(DeadLetterKind.UNDECODABLE, fitted.getKind());
        }
    }

    @Test
    void aDeadLetterThatFitsIsUnchanged() {
        DeadLetter dead = DeadLetters.of(new RawRecord(new byte[] {1}, new byte[] {2, 3}, "t", 0, 0L, 0L),
                DeadLetterKind.BAD_IMAGE, "short");
        DeadLetter fitted = OutputLimits.of(SMALL).fit(dead);
        assertEquals(dead, fitted);
        assertFalse(fitted.getTruncated());
        assertNull(fitted.getOriginalValueBytes());
    }

    @Test
    void theWorstCaseMaskStaysWithinItsBound() {
        // Noise does not compress: the worst mask a model could produce at this size.
        int w = 256;
        int h = 256;
        boolean[] pixels = new boolean[w * h];
        Random random = new Random(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextBoolean();
        }
        int png = Predictions.maskPng(new Mask(w, h, pixels)).length;
        assertTrue(png <= OutputLimits.maxMaskPngBytes(w, h), png + " > " + OutputLimits.maxMaskPngBytes(w, h));
        assertEquals(Mask.fromImage(org.maskstream.data.Images.decode(Predictions.maskPng(new Mask(w, h, pixels)))),
                new Mask(w, h, pixels));
    }
}
