package org.maskstream.stream;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.maskstream.avro.EditRequest;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Partitions the training store by the hour of the request's event time (UTC), {@code yyyy-MM-dd--HH}: a retraining
 * run or a person can pick time ranges by folder, and a replayed request lands in the same folder as before.
 */
final class EventTimeBuckets implements BucketAssigner<EditRequest, String> {
    private static final long serialVersionUID = 1L;
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd--HH").withZone(ZoneOffset.UTC);

    @Override
    public String getBucketId(EditRequest request, Context context) {
        return FORMAT.format(request.getEventTime());
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
