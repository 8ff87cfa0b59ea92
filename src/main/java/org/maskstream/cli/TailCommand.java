package org.maskstream.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Images;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.events.RecordLines;
import org.maskstream.stream.StreamConfig;
import org.maskstream.view.Joined;
import org.maskstream.view.RequestJoin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import org.maskstream.stream.KafkaConfigOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Mixin
    BrokerOption broker = new BrokerOption();

    @Option(names = "--topic", required = true, description = "Topic to read, e.g. edit-masks, edit-iou, edit-dlq.")
    String topic;

    @Option(names = "--type", description = "What the topic holds: masks, iou, dlq or requests (default: from the "
            + "topic name, which must then end in masks, iou, dlq or requests).")
    String type;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of new ones only.")
    boolean fromBeginning;

    @Option(names = "--max", description = "Stop after this many records (default: run until Ctrl-C).")
    Long max;

    @Option(names = "--save-masks", paramLabel = "DIR", description = "With a masks topic: also write each result's "
            + "photo with its mask tinted over it (and the true mask outlined when labeled) to DIR/ID-overlay.png. "
            + "Photos come from --requests-topic, joined by id in a bounded cache; a result whose request was not "
            + "seen is drawn over gray.")
    Path saveMasks;

    @Option(names = "--requests-topic", defaultValue = "edit-requests",
            description = "Topic of the requests, for --save-masks (default: ${DEFAULT-VALUE}).")
    String requestsTopic;

    /** Memory for request photos waiting for their result, and results waiting for their request. */
    private static final long JOIN_BYTES = 64L << 20;
    private static final int JOIN_PENDING = 512;
    private static final Duration REQUEST_GRACE = Duration.ofSeconds(5);

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
        Kind kind = kind();
        if (saveMasks != null && kind != Kind.MASKS) {
            throw new UserError("--save-masks needs a masks topic (MaskResult records), but " + topic + " holds "
                    + kind.name().toLowerCase(Locale.ROOT));
        }
        RequestJoin join = saveMasks == null ? null : new RequestJoin(JOIN_BYTES, JOIN_PENDING, this::writeOverlay);
        if (saveMasks != null) {
            try {
                Files.createDirectories(saveMasks);
            } catch (IOException e) {
                throw new UserError("cannot create " + saveMasks + ": " + e.getMessage(), e);
            }
        }
        Function<byte[], String> format = formatter(kind);
        AvroCodec<EditRequest> requests = AvroCodec.of(EditRequest.class);
        AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);
        StreamConfig config = StreamConfig.builder().bootstrapServers(broker.servers)
                .kafka(kafkaConfig.properties()).build();
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
            consumer.subscribe(join == null ? List.of(topic) : List.of(topic, requestsTopic));
            try {
                while (max == null || printed < max) {
                    // the whole batch is looked at: requests after the last printed result still join a waiting one
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        boolean request = r.topic().equals(requestsTopic) && join != null;
                        if ((max != null && printed >= max && !request) || (join != null && !join(join, r, requests,
                                results))) {
                            continue;
                        }
                        out.println(format.apply(r.value()));
                        printed++;
                    }
                    out.flush();
                }
                awaitRequests(consumer, join, requests);
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (WakeupException stopping) {
                // Ctrl-C: the hook woke the consumer up; close it and leave
            }
        }
        if (join != null) {
            join.flush();
            if (join.withoutPhoto() > 0) {
                System.err.println(join.withoutPhoto() + " result(s) drawn over gray: their request was not read "
                        + "(start tail before the requests are produced, or use --from-beginning)");
            }
        }
        return 0;
    }

    /**
     * After --max results, reads the requests topic a little longer for the photos of results that came before
     * their request (the two topics are read side by side, in no set order).
     */
    private void awaitRequests(KafkaConsumer<byte[], byte[]> consumer, RequestJoin join,
                               AvroCodec<EditRequest> requests) {
        long deadline = System.nanoTime() + REQUEST_GRACE.toNanos();
        while (join != null && join.pending() > 0 && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(requestsTopic) && r.value() != null) {
                    try {
                        join.onRequest(requests.decode(r.value()));
                    } catch (AvroCodec.DecodeException poison) {
                        // the job made it a dead letter; no result waits for it
                    }
                }
            }
        }
    }

    /** Feeds {@code r} to the join; true when it is a record of the tailed topic, to be printed. */
    private boolean join(RequestJoin join, ConsumerRecord<byte[], byte[]> r, AvroCodec<EditRequest> requests,
                         AvroCodec<MaskResult> results) {
        if (r.value() == null) {
            return !r.topic().equals(requestsTopic);
        }
        try {
            if (r.topic().equals(requestsTopic)) {
                join.onRequest(requests.decode(r.value()));
                return false;
            }
            join.onResult(results.decode(r.value()));
        } catch (AvroCodec.DecodeException e) {
            // a poison request (the job made it a dead letter) or an undecodable result: the line says so
            return !r.topic().equals(requestsTopic);
        }
        return true;
    }

    private void writeOverlay(Joined joined) {
        Path file = saveMasks.resolve(ModelCommands.fileName(joined.result().getId()) + "-overlay.png");
        try {
            Files.write(file, Images.encodePng(joined.picture()));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            System.err.println("result " + joined.result().getId() + " has no readable mask: " + e.getMessage());
        }
    }
}
