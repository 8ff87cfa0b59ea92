package org.maskstream.stream;

import org.maskstream.events.AvroTypes;
import org.maskstream.events.RawRecord;
import org.apache.flink.util.OutputTag;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Building dead letters, and the side output every operator that refuses input sends them to. */
public final class DeadLetters {
    /** Side output of the operators that refuse input. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));

    private DeadLetters() {
    }

    /** A dead letter carrying the record exactly as read. */
    public static DeadLetter of(RawRecord raw, DeadLetterKind kind, String reason) {
        return DeadLetter.newBuilder()
                .setKind(kind)
                .setReason(reason)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                .setTopic(raw.topic == null ? "" : raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setTime(Instant.now())
                .build();
    }
}
