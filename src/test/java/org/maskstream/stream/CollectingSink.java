package org.maskstream.stream;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink that keeps what it is given in this JVM (the MiniCluster's), under a name of its own: the collecting end
 * of the job's seam for tests of its logic without Kafka.
 */
final class CollectingSink<T> implements Sink<T> {
    private static final Map<String, Queue<Object>> COLLECTED = new ConcurrentHashMap<>();
    private final String name = UUID.randomUUID().toString();

    CollectingSink() {
        COLLECTED.put(name, new ConcurrentLinkedQueue<>());
    }

    @SuppressWarnings("unchecked")
    List<T> collected() {
        return new ArrayList<>((Queue<T>) (Queue<?>) COLLECTED.get(name));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> into = COLLECTED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                into.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {
            }

            @Override
            public void close() {
            }
        };
    }
}
