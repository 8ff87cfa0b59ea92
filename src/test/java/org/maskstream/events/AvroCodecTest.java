package org.maskstream.events;

import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.maskstream.avro.EditRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvroCodecTest {
    private static final AvroCodec<EditRequest> CODEC = AvroCodec.of(EditRequest.class);

    /** The single-object header of EditRequest's schema, then {@code body}. */
    private static byte[] record(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(EditRequest.getClassSchema())).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        body.write(encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private interface Body {
        void write(BinaryEncoder encoder) throws IOException;
    }

    private static long allocatedWhileDecoding(byte[] bytes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CODEC.encode(EditRequest.newBuilder().setId("warm").setEventTime(java.time.Instant.EPOCH)
                .setImage(ByteBuffer.allocate(0)).setInstruction("x").build());
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThrows(AvroCodec.DecodeException.class, () -> CODEC.decode(bytes));
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aLengthFieldBeyondTheRecordIsRefusedWithoutAllocatingIt() throws Exception {
        byte[] bytes = record(e -> {
            e.writeString("a");
            e.writeLong(0);
            e.writeLong(Integer.MAX_VALUE - 8);  // the image's length: 2 GB, then no bytes
        });
        assertTrue(bytes.length < 30);
        long allocated = allocatedWhileDecoding(bytes);
        assertTrue(allocated < 4 << 20, "decoding a " + bytes.length + "-byte record allocated " + allocated + " bytes");
    }

    @Test
    void aCollectionCountBeyondTheRecordIsRefusedWithoutAllocatingIt() throws Exception {
        byte[] bytes = record(e -> {
            e.writeString("a");
            e.writeLong(0);
            e.writeBytes(new byte[0]);
            e.writeString("x");
            e.writeIndex(0);  // no ground-truth mask
            e.writeMapStart();
            e.setItemCount(1_000_000_000L);  // a billion attributes, then none
        });
        long allocated = allocatedWhileDecoding(bytes);
        assertTrue(allocated < 4 << 20, "decoding a " + bytes.length + "-byte record allocated " + allocated + " bytes");
    }
}
