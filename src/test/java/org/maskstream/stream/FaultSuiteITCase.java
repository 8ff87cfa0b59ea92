package org.maskstream.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.MaskResult;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.ModelUpdatePublisher;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.retrain.Retrainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a real multi-process cluster ({@link FlinkProcessCluster}) while {@link SteadyTraffic} sends N records:
 * afterwards, read {@code read_committed}, every good id has exactly one result and every bad record exactly one
 * dead letter. Each case's counts and recovery times go into {@code target/faults/faults.md}, and with
 * {@code -Dmaskstream.faults=all} (every case) into {@code docs/results/faults.md}. Without that property only the
 * two quickest cases run (part of {@code mvn verify}). Needs target/maskstream-job.jar.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteITCase {
    private static final int N = Integer.getInteger("maskstream.faults.requests", 2000);
    private static final int PER_SECOND = Integer.getInteger("maskstream.faults.rate", 50);
    private static final int BAD_EVERY = 25;
    private static final Duration JOB_START = Duration.ofMinutes(3);
    private static final AvroCodec<MaskResult> RESULTS = AvroCodec.of(MaskResult.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);
    private static final FaultReport REPORT = new FaultReport();
    /**
     * Failures are noticed within seconds (a killed TaskManager misses heartbeats) and restarts come after 2 s, so
     * a case takes a minute or two instead of Flink's 50 s heartbeat timeout and flink-conf's 10 s delay. The
     * restart budget stays flink-conf's: 3 failures in 5 minutes.
     */
    private static final String[] FAST_FAILOVER = {"heartbeat.interval=2 s", "heartbeat.timeout=8 s",
            "restart-strategy.failure-rate.delay=2 s"};

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /**
     * What a case does to the cluster once a third of the traffic is sent; returns the job id that runs on. It notes
     * in {@code faultMillis} when the job stopped answering: the kill, the moment a stop-with-savepoint returned
     * (until then the stopping job still drains and writes results), or the moment the broker's process ended.
     */
    @FunctionalInterface
    private interface Fault {
        String inject(FlinkProcessCluster cluster, StreamConfig config, String jobId, SteadyTraffic traffic,
                      List<Long> faultMillis) throws Exception;
    }

    @Test
    @Order(1)
    void taskManagerKilled() throws Exception {
        runCase("TaskManager kill -9", "kill -9 of the TaskManager running inference subtask 0 (2 TaskManagers, "
                + "parallelism 2); the job restarts on the survivor", Setup.onTestBroker(2, 2), (cluster, config, jobId, traffic, faults) -> {
                    traffic.awaitSent(1.0 / 3);
                    String victim = cluster.taskManagerRunning(jobId, "inference");
                    faults.add(System.currentTimeMillis());
                    cluster.kill9(victim);
                    return jobId;
                });
    }

    @Test
    @Order(2)
    void stopWithSavepointAndStartAgain() throws Exception {
        Path upgraded = UpgradedEditMaskJob.jar(FlinkProcessCluster.ROOT.resolve("target/maskstream-job.jar"),
                FlinkProcessCluster.ROOT.resolve("target/it-faults-upgrade/maskstream-job-v2.jar"));
        runCase("stop-with-savepoint, start again", "flink stop (savepoint), then flink run -s SAVEPOINT of the same "
                        + "jar; later the same again with a version 2 jar that adds a stateful operator ("
                        + UpgradedEditMaskJob.NEW_OPERATOR + ") and keeps every uid",
                // two restarts take longer than two thirds of the default traffic here: half the rate, twice as long
                Setup.onTestBroker(1, 1).perSecond(PER_SECOND / 2), (cluster, config, jobId, traffic, faults) -> {
                    traffic.awaitSent(1.0 / 3);
                    String savepoint = cluster.stopWithSavepoint(jobId);
                    faults.add(System.currentTimeMillis());
                    String job = cluster.submit(config, "-s", savepoint, "-p", "1");
                    cluster.awaitRunning(job, JOB_START);
                    traffic.awaitSent(2.0 / 3);
                    savepoint = cluster.stopWithSavepoint(job);
                    faults.add(System.currentTimeMillis());
                    job = cluster.submit(upgraded, UpgradedEditMaskJob.class.getName(), config, "-s", savepoint,
                            "-p", "1");
                    cluster.awaitRunning(job, JOB_START);
                    // the new operator runs on the restored job: it sees the results of the traffic still coming
                    cluster.awaitVertexRecords(job, UpgradedEditMaskJob.NEW_OPERATOR, 1, JOB_START);
                    return job;
                });
    }

    @Test
    @Order(3)
    @EnabledIfSystemProperty(named = "maskstream.faults", matches = "all")
    void rescaleThroughSavepoints() throws Exception {
        runCase("rescale 1 -> 2 -> 1", "stop with savepoint and restart from it at parallelism 2, later again at 1",
                // two restarts take longer than two thirds of the default traffic here: half the rate, twice as long
                Setup.onTestBroker(1, 1).perSecond(PER_SECOND / 2), (cluster, config, jobId, traffic, faults) -> {
                    String job = jobId;
                    for (int step = 1; step <= 2; step++) {
                        traffic.awaitSent(step / 3.0);
                        String savepoint = cluster.stopWithSavepoint(job);
                        faults.add(System.currentTimeMillis());
                        job = cluster.submit(config, "-s", savepoint, "-p", step == 1 ? "2" : "1");
                        cluster.awaitRunning(job, JOB_START);
                    }
                    return job;
                });
    }

    @Test
    @Order(4)
    @EnabledIfSystemProperty(named = "maskstream.faults", matches = "all")
    void jobManagerKilledAndJobResubmittedFromItsLatestCheckpoint() throws Exception {
        runCase("JobManager kill -9, resubmit from checkpoint", "kill -9 of the JobManager, a new JobManager process "
                + "(the TaskManager stays), flink run -s of the latest retained checkpoint (no HA: needs ZooKeeper)",
                Setup.onTestBroker(1, 1), (cluster, config, jobId, traffic, faults) -> {
                    traffic.awaitSent(1.0 / 3);
                    faults.add(System.currentTimeMillis());
                    cluster.kill9("jobmanager");
                    Path checkpoint = cluster.latestRetainedCheckpoint(jobId);
                    cluster.script("jobmanager");
                    cluster.awaitTaskManagers(1, JOB_START);
                    return cluster.submit(config, "-s", checkpoint.toUri().toString(), "-p", "1");
                });
    }

    @Test
    @Order(5)
    @EnabledIfSystemProperty(named = "maskstream.faults", matches = "all")
    void brokerStoppedFor20Seconds() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(FlinkProcessCluster.ROOT.resolve("target/it-faults-broker"))) {
            runCase("broker stopped 20 s", "the Kafka broker's JVM stopped (SIGTERM) for 20 s, then started again on "
                    + "the same data and ports", Setup.onTestBroker(1, 1).broker(broker.bootstrapServers(),
                    config -> broker.createTopics(config, 2, config.topics())), (cluster, config, jobId, traffic, faults) -> {
                        traffic.awaitSent(1.0 / 3);
                        broker.stop();
                        faults.add(System.currentTimeMillis());
                        Thread.sleep(20_000);
                        broker.start();
                        return jobId;
                    });
        }
    }

    @Test
    @Order(6)
    @EnabledIfSystemProperty(named = "maskstream.faults", matches = "all")
    void hotSwapWhileATaskManagerIsKilled() throws Exception {
        Path dir = FlinkProcessCluster.ROOT.resolve("target/it-faults-registry");
        org.maskstream.util.Directories.deleteRecursively(dir);
        ModelRegistry registry = ModelRegistry.open(dir);
        RegisteredModel v1 = Retrainer.seed(registry, TestModels.tiny());
        RegisteredModel v2 = registry.register(TestModels.tiny());
        StreamConfig config = runCase("hot-swap during TaskManager kill -9", "a ModelUpdate to " + v2.version()
                        + " published, then at once kill -9 of the TaskManager running inference subtask 0 "
                        + "(2 TaskManagers, parallelism 2)", Setup.onTestBroker(2, 2).model(v1.dir().toString())
                        .servingUpdatesOf(dir),
                (cluster, c, jobId, traffic, faults) -> {
                    traffic.awaitSent(1.0 / 3);
                    String victim = cluster.taskManagerRunning(jobId, "inference");
                    try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(c.kafka())) {
                        // signed as the registry signs a promotion: an unsigned update is refused (and counted)
                        publisher.publish(RetrainFixtures.signedUpdate(v2, v2.uri(), v1.version()));
                    }
                    faults.add(System.currentTimeMillis());
                    cluster.kill9(victim);
                    return jobId;
                });
        // per request partition, in offset order, the versions of the results: v1 up to one point, v2 after it
        Map<String, String> version = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.masksTopic())) {
            MaskResult result = RESULTS.decode(r.value());
            version.put(result.getId(), result.getModelVersion());
        }
        assertEquals(Set.of(v1.version(), v2.version()), Set.copyOf(version.values()), "versions in the results");
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.requestsTopic())) {
            String v = version.get(new String(r.key(), StandardCharsets.UTF_8));
            if (v != null) {
                byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(v);
            }
        }
        byPartition.forEach((partition, versions) -> {
            int switches = 0;
            for (int i = 1; i < versions.size(); i++) {
                switches += versions.get(i).equals(versions.get(i - 1)) ? 0 : 1;
            }
            assertEquals(1, switches, "version switches in request partition " + partition + ": " + versions);
            assertEquals(v2.version(), versions.get(versions.size() - 1), "partition " + partition + " ends on");
        });
    }

    /**
     * Where a case runs: cluster size, job parallelism, the model it starts with, the broker, the traffic's rate, and
     * the registry whose signed updates the job serves ({@code null}: none).
     */
    private record Setup(int taskManagers, int parallelism, String model, String bootstrapServers,
                         Consumer<StreamConfig> createTopics, int perSecond, Path registry) {
        static Setup onTestBroker(int taskManagers, int parallelism) {
            return new Setup(taskManagers, parallelism, TestModels.tiny().toString(), KAFKA.broker().bootstrapServers(),
                    config -> KAFKA.broker().createTopics(config, 2, config.topics()), PER_SECOND, null);
        }

        Setup model(String folder) {
            return new Setup(taskManagers, parallelism, folder, bootstrapServers, createTopics, perSecond, registry);
        }

        Setup broker(String servers, Consumer<StreamConfig> topics) {
            return new Setup(taskManagers, parallelism, model, servers, topics, perSecond, registry);
        }

        Setup perSecond(int rate) {
            return new Setup(taskManagers, parallelism, model, bootstrapServers, createTopics, rate, registry);
        }

        /** Serve the updates of {@code root} signed with {@link RetrainFixtures#signingKeyFile()}. */
        Setup servingUpdatesOf(Path root) {
            return new Setup(taskManagers, parallelism, model, bootstrapServers, createTopics, perSecond, root);
        }
    }

    /** Runs one case on its own cluster; returns the config, whose topics hold what the job wrote. */
    private static StreamConfig runCase(String name, String fault, Setup setup, Fault injection) throws Exception {
        long started = System.nanoTime();
        String id = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "").toLowerCase(java.util.Locale.ROOT);
        // the restart strategy is the cluster's: no maskstream.restart.* here
        StreamConfig config = StreamTestKafka.named(id, setup.bootstrapServers(), setup.model())
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 1000)
                .set(StreamConfig.Key.CHECKPOINT_TIMEOUT_MS, 30_000)
                // a transaction a killed process left open blocks read_committed readers until the broker aborts it
                .set(StreamConfig.Key.TRANSACTION_TIMEOUT_MS, 60_000)
                .build();
        if (setup.registry() != null) {
            config = config.toBuilder().set(StreamConfig.Key.MODEL_REGISTRY_ROOT, setup.registry().toString())
                    .set(StreamConfig.Key.MODEL_SIGNING_KEY_FILE, RetrainFixtures.signingKeyFile().toString()).build();
        }
        setup.createTopics().accept(config);
        List<Long> faults = new ArrayList<>();
        try (FlinkProcessCluster cluster = FlinkProcessCluster.start(setup.taskManagers(), FAST_FAILOVER);
             ResultWatch watch = new ResultWatch(config)) {
            String jobId = cluster.submit(config, "-p", String.valueOf(setup.parallelism()));
            cluster.awaitRunning(jobId, JOB_START);
            SteadyTraffic traffic = SteadyTraffic.start(config, N, setup.perSecond(), BAD_EVERY);
            jobId = injection.inject(cluster, config, jobId, traffic, faults);
            traffic.await(Duration.ofSeconds(60 + 2L * N / setup.perSecond()));
            // a shortfall is reported below by id, with where each missing one went
            awaitQuietly(config, config.masksTopic(), traffic.good.size(), Duration.ofMinutes(4));
            awaitQuietly(config, config.dlqTopic(), traffic.bad.size(), Duration.ofMinutes(1));
            // a few more checkpoints, so a duplicate on its way would be committed before the count
            Thread.sleep(5_000);
            List<ConsumerRecord<byte[], byte[]>> masks = StreamTestKafka.readAll(config, config.masksTopic());
            List<ConsumerRecord<byte[], byte[]>> dlq = StreamTestKafka.readAll(config, config.dlqTopic());
            Map<String, Integer> results = countByKey(masks, r -> RESULTS.decode(r.value()).getId());
            Map<String, String> deadLetterKinds = new HashMap<>();
            Map<String, Integer> deadLetters = countByKey(dlq, r -> {
                DeadLetter d = DEAD_LETTERS.decode(r.value());
                String key = new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8);
                deadLetterKinds.put(key, d.getKind() + ": " + d.getReason());
                return key;
            });
            List<Double> recovery = recoverySeconds(watch, masks, faults);
            REPORT.add(new FaultReport.Case(name, fault, traffic.good.size(), traffic.bad.size(),
                    missing(traffic.good, results), duplicated(results), missing(traffic.bad, deadLetters),
                    duplicated(deadLetters), recovery, (System.nanoTime() - started) / 1e9));
            Map<String, String> lost = new TreeMap<>();
            traffic.good.stream().filter(good -> !results.containsKey(good)).forEach(good -> lost.put(good,
                    deadLetterKinds.getOrDefault(good, "no dead letter either")));
            assertTrue(lost.isEmpty(), lost.size() + " good ids without a committed result (id -> its dead letter): "
                    + lost + "; the watch saw " + watch.seen() + " results written, committed or not, for "
                    + masks.size() + " committed");
            assertEquals(traffic.good, results.keySet(), "ids with a result");
            deadLetterKinds.forEach((bad, kind) -> assertTrue(kind.startsWith(DeadLetterKind.UNDECODABLE + ":"),
                    "dead letter of " + bad + ": " + kind));
            assertEquals(0, duplicated(results), "results more than once: " + more(results));
            assertEquals(traffic.bad, deadLetters.keySet(), "ids with a dead letter");
            assertEquals(0, duplicated(deadLetters), "dead letters more than once: " + more(deadLetters));
        }
        return config;
    }

    private static void awaitQuietly(StreamConfig config, String topic, int records, Duration timeout)
            throws InterruptedException {
        try {
            StreamTestKafka.awaitRecords(config, topic, records, timeout);
        } catch (AssertionError shortfall) {
            System.err.println("FaultSuiteITCase: " + shortfall.getMessage());
        }
    }

    /** The id a committed record answers, from its decoded value. */
    @FunctionalInterface
    private interface IdOf {
        String of(ConsumerRecord<byte[], byte[]> record) throws AvroCodec.DecodeException;
    }

    private static Map<String, Integer> countByKey(List<ConsumerRecord<byte[], byte[]>> records, IdOf id)
            throws AvroCodec.DecodeException {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            counts.merge(id.of(r), 1, Integer::sum);
        }
        return counts;
    }

    private static int missing(Set<String> expected, Map<String, Integer> got) {
        return (int) expected.stream().filter(id -> !got.containsKey(id)).count();
    }

    private static int duplicated(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(n -> n - 1).sum();
    }

    private static Set<String> more(Map<String, Integer> counts) {
        Set<String> ids = new TreeSet<>();
        counts.forEach((id, n) -> {
            if (n > 1) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * Per fault, seconds from the last committed result written before it to the first written after it, by the
     * watch's first sight of each record (waited for, up to 30 s, when the watch is behind).
     */
    private static List<Double> recoverySeconds(ResultWatch watch, List<ConsumerRecord<byte[], byte[]>> committed,
                                                List<Long> faults) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (committed.stream().anyMatch(r -> watch.firstSeen(r).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<Long> written = committed.stream().map(r -> watch.firstSeen(r)
                .orElseThrow(() -> new AssertionError("the watch never saw committed result " + ResultWatch.key(r))))
                .sorted().toList();
        List<Double> out = new ArrayList<>();
        for (long fault : faults) {
            long before = written.stream().filter(t -> t <= fault).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no committed result was written before the fault"));
            long after = written.stream().filter(t -> t > fault).findFirst()
                    .orElseThrow(() -> new AssertionError("no committed result was written after the fault"));
            out.add((after - before) / 1000.0);
        }
        return out;
    }

    @AfterAll
    static void writeReport() {
        if (REPORT.isEmpty()) {
            return;
        }
        REPORT.write(Path.of("target/faults/faults.md"));
        if ("all".equals(System.getProperty("maskstream.faults"))) {
            REPORT.write(Path.of("docs/results/faults.md"));
        }
    }
}
