package org.maskstream.experiment;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.MaskResult;
import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code experiment hostile}: the hostile-input suite through the real job. Generates the records
 * ({@link HostileRecords}) onto an embedded broker, runs the job over them to their end in a JVM started with the
 * JVM options Flink gives a TaskManager of {@code flink-conf/config.yaml} (heap, direct memory, metaspace, its
 * {@code env.java.opts.taskmanager}), and checks every outcome: each valid request exactly one result, each hostile
 * record exactly one dead letter of its kind (or one result, when it is valid), nothing else; the job restarted
 * 0 times; the heap's high-water mark.
 *
 * <p>Why a child JVM: a TaskManager's operators share its one heap, so the heap a TaskManager of the shipped
 * configuration gets is the limit the job must live within. A MiniCluster in the test or CLI JVM would run under
 * that JVM's heap (6 GB in the tests, 8 GB from {@code bin/maskstream}); the child runs the same MiniCluster under
 * the shipped {@code -Xmx}, with the JobManager in it too, so it is, if anything, tighter than a TaskManager.
 */
public final class HostileInput {
    public static final String NAME = "hostile";
    private static final AvroCodec<MaskResult> RESULTS = AvroCodec.of(MaskResult.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);
    /** Problems listed in the report and in a failure; the rest are counted. */
    private static final int SHOWN = 40;

    /**
     * @param count     records in all (valid and hostile alternate)
     * @param model     the saved model folder the job serves
     * @param flinkConf the folder of the shipped {@code config.yaml}
     * @param workDir   checkpoints, the job's configuration, its log and its run file
     * @param timeout   how long the job may run
     */
    public record Options(int count, long seed, Path model, Path flinkConf, Path workDir, Duration timeout) {
    }

    /** The shipped TaskManager's JVM options and slot count, as Flink derives them from {@code config.yaml}. */
    public record TaskManagerJvm(List<String> options, int slots) {
        public static TaskManagerJvm of(Path flinkConf) {
            Configuration conf = GlobalConfiguration.loadConfiguration(flinkConf.toString());
            TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
            List<String> options = new ArrayList<>(split(ProcessMemoryUtils.generateJvmParametersStr(spec)));
            options.addAll(split(conf.get(CoreOptions.FLINK_TM_JVM_OPTIONS)));
            return new TaskManagerJvm(List.copyOf(options), conf.get(TaskManagerOptions.NUM_TASK_SLOTS));
        }

        private static List<String> split(String s) {
            return s == null || s.isBlank() ? List.of() : Arrays.asList(s.trim().split("\\s+"));
        }
    }

    /** Per label: records, and what came out of them. */
    public record LabelCount(String label, String expected, int records, int results, int deadLetters) {
    }

    /**
     * What a run gave.
     *
     * @param problems      every record whose outcome was not the expected one, and every output of no record
     *                      (the first {@link #SHOWN})
     * @param problemCount  how many problems in all
     * @param truncated     dead letters cut to fit a record
     */
    public record Outcome(int records, int valid, int hostile, int results, int deadLetters, int eitherAsResult,
                          int eitherAsDeadLetter, long truncated, Map<DeadLetterKind, Integer> deadLetterKinds,
                          List<LabelCount> labels, List<String> problems, int problemCount,
                          HostileJobMain.Run job, TaskManagerJvm jvm, long produceMillis) {
        public boolean passed() {
            return problemCount == 0 && job.restarts() == 0 && job.exceptions() == 0 && "FINISHED".equals(job.status());
        }
    }

    private HostileInput() {
    }

    /** The suite on {@code kafka}, on fresh topics. */
    public static Outcome run(Options options, EmbeddedKafka kafka, PrintStream log) {
        String name = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        StreamConfig.Builder builder = StreamConfig.builder().bootstrapServers(kafka.bootstrapServers())
                .model(options.model().toString())
                .set(StreamConfig.Key.GROUP_ID, name)
                .set(StreamConfig.Key.TRANSACTIONAL_ID_PREFIX, name)
                .set(StreamConfig.Key.START_FROM, "earliest")
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 1000)
                .set(StreamConfig.Key.CHECKPOINT_DIR, options.workDir().resolve("checkpoints").toUri().toString())
                .set(StreamConfig.Key.BATCH_SIZE, 16);
        for (StreamConfig.Key k : List.of(StreamConfig.Key.TOPIC_REQUESTS, StreamConfig.Key.TOPIC_MASKS,
                StreamConfig.Key.TOPIC_IOU, StreamConfig.Key.TOPIC_DLQ, StreamConfig.Key.TOPIC_MODEL_UPDATES,
                StreamConfig.Key.TOPIC_LABELS)) {
            builder.set(k, name + "-" + k.defaultValue());
        }
        StreamConfig config = builder.build();
        TaskManagerJvm jvm = TaskManagerJvm.of(options.flinkConf());
        kafka.createTopics(config, jvm.slots(), config.topics());

        log.printf(Locale.ROOT, "producing %d records (seed %d) to %s%n", options.count(), options.seed(),
                config.requestsTopic());
        long produceStart = System.nanoTime();
        List<HostileRecords.Expected> expected = produce(config, options);
        long produceMillis = (System.nanoTime() - produceStart) / 1_000_000;

        log.printf(Locale.ROOT, "running the job in a JVM with %s%n", String.join(" ", jvm.options()));
        HostileJobMain.Run job = runJob(config, jvm, options);
        log.printf(Locale.ROOT, "job %s after %.1f s, %d restarts, heap high-water mark %d MB (%d MB after a"
                        + " collection) of %d MB%n", job.status(), job.jobMillis() / 1000.0, job.restarts(),
                job.heapPeakBytes() >> 20, job.heapAfterGcPeakBytes() >> 20, job.maxHeapBytes() >> 20);
        return verify(expected, results(config), deadLetters(config), job, jvm, produceMillis);
    }

    private static List<HostileRecords.Expected> produce(StreamConfig config, Options options) {
        List<HostileRecords.Expected> expected = new ArrayList<>(options.count());
        List<RuntimeException> failure = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(KafkaWiring.byteProducerProperties(config.kafka()))) {
            HostileRecords.generate(options.seed(), options.count(), config, c -> {
                expected.add(c.expected());
                producer.send(new ProducerRecord<>(config.requestsTopic(), c.key(), c.value()), (metadata, e) -> {
                    if (e != null) {
                        synchronized (failure) {
                            failure.add(new IllegalStateException("the broker refused record " + c.index() + " ("
                                    + c.label() + "): " + e.getMessage(), e));
                        }
                    }
                });
            });
            producer.flush();
        }
        if (!failure.isEmpty()) {
            throw failure.get(0);
        }
        return expected;
    }

    private static HostileJobMain.Run runJob(StreamConfig config, TaskManagerJvm jvm, Options options) {
        Path dir = options.workDir();
        Path settings = dir.resolve("job-config.json");
        Path runFile = dir.resolve("job-run.json");
        Path jobLog = dir.resolve("job.log");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(runFile);
            Json.MAPPER.writeValue(settings.toFile(), config.toMap());
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm.options());
            for (String property : List.of("ai.djl.offline", "log4j2.configurationFile")) {
                if (System.getProperty(property) != null) {
                    command.add("-D" + property + "=" + System.getProperty(property));
                }
            }
            // Flink's and Kafka's scratch folders (the REST upload folder outlives the cluster) stay in the work dir
            command.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), HostileJobMain.class.getName(),
                    settings.toString(), String.valueOf(jvm.slots()), runFile.toString()));
            Process child = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(jobLog.toFile())).start();
            if (!child.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly().waitFor();
                throw new IllegalStateException("the job did not finish within " + options.timeout() + "; its log: "
                        + jobLog);
            }
            if (child.exitValue() != 0 || !Files.isRegularFile(runFile)) {
                throw new IllegalStateException("the job's JVM exited with " + child.exitValue() + "; the end of its"
                        + " log (" + jobLog + "):\n" + tail(jobLog));
            }
            return Json.MAPPER.readValue(runFile.toFile(), HostileJobMain.Run.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the job's JVM in " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the job ran", e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Results per id: how many. */
    private static Map<String, Integer> results(StreamConfig config) {
        Map<String, Integer> byId = new HashMap<>();
        readAll(config, config.masksTopic(), r -> byId.merge(decodeResult(r.value()).getId(), 1, Integer::sum));
        return byId;
    }

    private static MaskResult decodeResult(byte[] value) {
        try {
            return RESULTS.decode(value);
        } catch (AvroCodec.DecodeException e) {
            throw new IllegalStateException("the job wrote a result that does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * A dead letter that came out: its key up to the first {@code -} (the record's key prefix, or the request id
     * for a refusal in the inference batch, which keys by id), kind, and whether it was cut to fit.
     */
    record Dead(String key, DeadLetterKind kind, boolean truncated) {
    }

    private static List<Dead> deadLetters(StreamConfig config) {
        List<Dead> out = new ArrayList<>();
        readAll(config, config.dlqTopic(), r -> {
            DeadLetter d;
            try {
                d = DEAD_LETTERS.decode(r.value());
            } catch (AvroCodec.DecodeException e) {
                throw new IllegalStateException("the job wrote a dead letter that does not decode: " + e.getMessage(), e);
            }
            String key = d.getKey() == null ? "" : new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8);
            int dash = key.indexOf('-');
            out.add(new Dead(dash < 0 ? key : key.substring(0, dash), d.getKind(), d.getTruncated()));
        });
        return out;
    }

    private interface RecordSink {
        void accept(ConsumerRecord<byte[], byte[]> record);
    }

    /** Every committed record of {@code topic} up to its end offsets as of now. */
    private static void readAll(StreamConfig config, String topic, RecordSink sink) {
        Properties p = KafkaWiring.byteConsumerProperties(config.kafka(), "hostile-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end offsets " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(sink::accept);
            }
        }
    }

    /** Compares what came out with what each record must give. */
    static Outcome verify(List<HostileRecords.Expected> expected, Map<String, Integer> results, List<Dead> dead,
                          HostileJobMain.Run job, TaskManagerJvm jvm, long produceMillis) {
        Map<String, List<Dead>> deadByKey = new HashMap<>();
        dead.forEach(d -> deadByKey.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d));
        Map<String, Integer> unclaimedResults = new TreeMap<>(results);
        Map<String, List<Dead>> unclaimedDead = new TreeMap<>(deadByKey);
        List<String> problems = new ArrayList<>();
        Map<String, LabelCount> labels = new LinkedHashMap<>();
        int valid = 0;
        int eitherAsResult = 0;
        int eitherAsDead = 0;
        for (HostileRecords.Expected e : expected) {
            int r = results.getOrDefault(e.id(), 0);
            List<Dead> d = new ArrayList<>(deadByKey.getOrDefault(e.keyPrefix(), List.of()));
            d.addAll(deadByKey.getOrDefault(e.id(), List.of()));
            unclaimedResults.remove(e.id());
            unclaimedDead.remove(e.keyPrefix());
            unclaimedDead.remove(e.id());
            String what = "record " + e.index() + " (" + e.label() + ", id " + e.id() + ")";
            switch (e.outcome()) {
                case RESULT -> {
                    if (r != 1 || !d.isEmpty()) {
                        problems.add(what + ": expected one result, got " + r + " results and dead letters " + kinds(d));
                    }
                }
                case DEAD_LETTER -> {
                    if (r != 0 || d.size() != 1 || d.get(0).kind() != e.kind()) {
                        problems.add(what + ": expected one " + e.kind() + " dead letter, got " + r
                                + " results and dead letters " + kinds(d));
                    }
                }
                case EITHER -> {
                    if (r + d.size() != 1) {
                        problems.add(what + ": expected one result or one dead letter, got " + r
                                + " results and dead letters " + kinds(d));
                    }
                    eitherAsResult += r;
                    eitherAsDead += d.size();
                }
            }
            if (e.label().equals(HostileRecords.VALID)) {
                valid++;
            }
            String expectation = e.outcome() == HostileRecords.Outcome.DEAD_LETTER ? e.kind().toString()
                    : e.outcome().toString().toLowerCase(Locale.ROOT).replace('_', ' ');
            labels.merge(e.label(), new LabelCount(e.label(), expectation, 1, r, d.size()),
                    (a, b) -> new LabelCount(a.label(), a.expected(), a.records() + 1, a.results() + b.results(),
                            a.deadLetters() + b.deadLetters()));
        }
        unclaimedResults.forEach((id, n) -> problems.add(n + " results for id " + id + ", which no record has"));
        unclaimedDead.forEach((key, d) -> problems.add("dead letters " + kinds(d) + " keyed " + key
                + ", which no record has"));
        Map<DeadLetterKind, Integer> kinds = new EnumMap<>(DeadLetterKind.class);
        dead.forEach(d -> kinds.merge(d.kind(), 1, Integer::sum));
        int resultCount = results.values().stream().mapToInt(Integer::intValue).sum();
        return new Outcome(expected.size(), valid, expected.size() - valid, resultCount, dead.size(), eitherAsResult,
                eitherAsDead, dead.stream().filter(Dead::truncated).count(), kinds, List.copyOf(labels.values()),
                List.copyOf(problems.subList(0, Math.min(SHOWN, problems.size()))), problems.size(), job, jvm,
                produceMillis);
    }

    private static List<DeadLetterKind> kinds(List<Dead> dead) {
        return dead.stream().map(Dead::kind).toList();
    }

    /** The results page: the command and machine, the verdict, per label, the job's run. */
    public static String markdown(Report report, Options options, Outcome o) {
        StringBuilder md = new StringBuilder(report.markdownHeader("Hostile input through the job"));
        md.append(String.format(Locale.ROOT, "- **Records:** %d (seed %d): %d valid requests interleaved with %d "
                        + "hostile records, produced in %.1f s.%n", o.records(), options.seed(), o.valid(), o.hostile(),
                o.produceMillis() / 1000.0));
        md.append("- **Job:** `EditMaskJob` with its Kafka source bounded at the offsets of its start, exactly-once"
                + " sinks, on the embedded broker, in a MiniCluster (one TaskManager, " + o.jvm().slots()
                + " slots) in a JVM started with the JVM options Flink derives from `flink-conf/config.yaml` for"
                + " a TaskManager: `" + String.join(" ", o.jvm().options()) + "`.\n\n");
        md.append("## Verdict\n\n");
        md.append(o.passed() ? "**Passed.** " : "**Failed.** ");
        md.append(String.format(Locale.ROOT, "%d results and %d dead letters for %d records; %d problems; job %s, "
                        + "%d restarts (`numRestarts`), %d entries in its exception history.%n%n", o.results(),
                o.deadLetters(), o.records(), o.problemCount(), o.job().status(), o.job().restarts(),
                o.job().exceptions()));
        md.append(String.format(Locale.ROOT, "- Random bit flips (either outcome is right): %d gave a result, %d a"
                + " dead letter.%n", o.eitherAsResult(), o.eitherAsDeadLetter()));
        md.append(String.format(Locale.ROOT, "- Dead letters cut to fit a record (`truncated`): %d.%n", o.truncated()));
        md.append(String.format(Locale.ROOT, "- Heap high-water mark: %d MB of a %d MB maximum heap (sum of the peak"
                        + " usage of each heap pool, JMX `MemoryPoolMXBean`, over the whole JVM, garbage not yet"
                        + " collected included: an upper bound; per pool: %s); at most %d MB in use right after a"
                        + " collection (the collectors' notifications).%n", o.job().heapPeakBytes() >> 20,
                o.job().maxHeapBytes() >> 20, o.job().heapPoolPeakBytes().entrySet().stream()
                        .map(e -> e.getKey() + " " + (e.getValue() >> 20) + " MB").toList(),
                o.job().heapAfterGcPeakBytes() >> 20));
        md.append(String.format(Locale.ROOT, "- Job run time: %.1f s (%.0f records/s).%n", o.job().jobMillis() / 1000.0,
                o.records() * 1000.0 / Math.max(1, o.job().jobMillis())));
        if (!o.problems().isEmpty()) {
            md.append("\nProblems (first ").append(o.problems().size()).append("):\n\n");
            o.problems().forEach(p -> md.append("- ").append(p).append('\n'));
        }
        md.append("\n## Per kind of record\n\n");
        Markdown table = new Markdown("record", "expected", "records", "results", "dead letters");
        o.labels().forEach(l -> table.row(l.label(), l.expected(), l.records(), l.results(), l.deadLetters()));
        md.append(table).append("\n## Dead letters by kind\n\n");
        Markdown kinds = new Markdown("kind", "dead letters");
        o.deadLetterKinds().forEach((k, n) -> kinds.row(k, n));
        md.append(kinds);
        md.append(report.markdownFooter(NAME));
        return md.toString();
    }
}
