package org.maskstream.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.events.RecordLines;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code maskstream tail}: prints a maskstream topic, one line per committed record. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints the records of a maskstream topic as they are committed (read_committed), one line "
                + "each, until Ctrl-C or --max records."})
public final class TailCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** What a topic holds. */
    enum Kind { MASKS, IOU, DLQ, REQUESTS }

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, HOST:PORT.")
    String bootstrapServers;

    @Option(names = "--topic", required = true, description = "Topic to read, e.g. edit-masks, edit-iou, edit-dlq.")
    String topic;

    @Option(names = "--type", description = "What the topic holds: masks, iou, dlq or requests (default: from the "
            + "topic name, which must then end in masks, iou, dlq or requests).")
    String type;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new ones only.")
    boolean fromBeginning;

    @Option(names = "--max", description = "Stop after this many records (default: run until Ctrl-C).")
    Long max;

    Kind kind() {
        String name = (type != null ? type : topic).toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            String suffix = k.name().toLowerCase(Locale.ROOT);
            if (type != null ? name.equals(suffix) : name.endsWith(suffix)) {
                return k;
            }
        }
        throw new UserError(type != null ? "--type must be masks, iou, dlq or requests, got '" + type + "'"
                : "cannot tell what topic '" + topic + "' holds: add --type masks|iou|dlq|requests");
    }

    private static Function<byte[], String> formatter(Kind kind) {
        return switch (kind) {
            case MASKS -> lines(AvroCodec.of(MaskResult.class), RecordLines::of);
            case IOU -> lines(AvroCodec.of(IouMetric.class), RecordLines::of);
            case DLQ -> lines(AvroCodec.of(DeadLetter.class), RecordLines::of);
            case REQUESTS -> lines(AvroCodec.of(EditRequest.class), RecordLines::of);
        };
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Function<byte[], String> lines(
            AvroCodec<T> codec, Function<T, String> line) {
        return bytes -> {
            try {
                return line.apply(codec.decode(bytes));
            } catch (AvroCodec.DecodeException e) {
                return "undecodable record (" + bytes.length + " bytes): " + e.getMessage();
            }
        };
    }

    @Override
    public Integer call() {
        Function<byte[], String> format = formatter(kind());
        StreamConfig config = StreamConfig.builder().bootstrapServers(bootstrapServers).build();
        Properties props = KafkaWiring.byteConsumerProperties(config.kafka(), "maskstream-tail-" + UUID.randomUUID());
        props.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        long printed = 0;
        PrintWriter out = spec.commandLine().getOut();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                consumer.wakeup();
                try {
                    main.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            consumer.subscribe(List.of(topic));
            try {
                while (max == null || printed < max) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        out.println(format.apply(r.value()));
                        if (max != null && ++printed >= max) {
                            break;
                        }
                    }
                    out.flush();
                }
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (WakeupException stopping) {
                // Ctrl-C: the hook woke the consumer up; close it and leave
            }
        }
        return 0;
    }
}
