package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.data.Example;
import org.maskstream.data.GatheredStore;
import org.maskstream.model.SavedModel;
import org.maskstream.retrain.Attempt;
import org.maskstream.retrain.ModelFolders;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.events.ModelUpdatePublisher;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.retrain.RetrainOptions;
import org.maskstream.retrain.Retrainer;
import org.maskstream.util.Directories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retraining loop closed on a running job (real broker, MiniCluster): a retrain on gathered data promotes a
 * better model that the job switches to without losing or duplicating a result, keeps after a restart, and a model
 * update whose files fail the hash check is refused while the old model keeps serving.
 */
class HotSwapITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create(METRICS.addToConfiguration(new Configuration()));
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int WAVE = 20;

    @TempDir
    Path dir;

    private final AvroCodec<EditRequest> requests = AvroCodec.of(EditRequest.class);
    private final AvroCodec<MaskResult> results = AvroCodec.of(MaskResult.class);
    private int produced;

    @Test
    void aRetrainedModelIsServedFromTheNextRequestsWithNothingLostOrDuplicatedAndAfterARestart(TestInfo info)
            throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        RegisteredModel weak = Retrainer.seed(registry, RetrainFixtures.weakModel());
        Path store = dir.resolve("store");
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, weak.dir().toString(),
                Map.of(StreamConfig.Key.GATHER_STORE, store.toUri().toString(),
                        StreamConfig.Key.MODEL_REGISTRY_ROOT, registry.dir().toString(),
                        StreamConfig.Key.MODEL_SIGNING_KEY_FILE, RetrainFixtures.signingKeyFile().toString()));
        EditMaskJobRecoveryITCase.FailOnceDeserializer.ARMED.set(false);
        EditMaskJobRecoveryITCase.FailOnceDeserializer.FIRED.set(false);

        JobClient job = start(config, true);
        List<String> before;
        List<String> after;
        Attempt attempt;
        try {
            before = produce(config, "live", 200, 2);
            awaitResults(config);
            awaitStore(store, before.size());

            try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(config.kafka())) {
                attempt = new Retrainer(registry, store.toUri(), null, new RetrainOptions(Duration.ofSeconds(8), 50,
                        16, 5e-3f, 5, 0.02, 20, false), publisher::publish, RetrainFixtures.signature()).runOnce();
            }
            assertEquals(Attempt.Outcome.PROMOTED, attempt.outcome(), attempt.reason());

            // waves until the first result of the new version, then a failure and the requests after it
            while (awaitResults(config).values().stream().noneMatch(r -> r.getModelVersion().equals("v0002"))) {
                produce(config, "wave" + produced, WAVE, produced);
            }
            EditMaskJobRecoveryITCase.FailOnceDeserializer.ARMED.set(true);
            Example scene = RetrainFixtures.scenes("trigger", 1, 1).get(0);
            Example trigger = new Example(EditMaskJobRecoveryITCase.TRIGGER, scene.image(), scene.instruction(), null);
            StreamTestKafka.produce(config, List.of(Map.entry(trigger.id(),
                    requests.encode(RetrainFixtures.request(trigger, T0)))));
            produced++;
            after = produce(config, "after", 60, 9);
            awaitResults(config);
        } finally {
            job.cancel().get();
        }
        assertTrue(EditMaskJobRecoveryITCase.FailOnceDeserializer.FIRED.get(), "the injected failure never happened");

        // every request once, and each partition switched once: no request after a v0002 one was served by v0001
        Map<String, MaskResult> byId = awaitResults(config);
        assertEquals(produced, byId.size());
        for (List<String> partition : requestsByPartition(config)) {
            List<String> versions = partition.stream().map(id -> byId.get(id).getModelVersion()).toList();
            int firstNew = versions.indexOf("v0002");
            assertTrue(firstNew >= 0, "a partition never switched: " + versions);
            assertEquals(Set.of("v0001"), Set.copyOf(versions.subList(0, firstNew)), versions.toString());
            assertEquals(Set.of("v0002"), Set.copyOf(versions.subList(firstNew, versions.size())), versions.toString());
        }
        assertEquals(Set.of("v0001"), before.stream().map(id -> byId.get(id).getModelVersion()).collect(Collectors.toSet()));
        assertEquals(Set.of("v0002"), after.stream().map(id -> byId.get(id).getModelVersion()).collect(Collectors.toSet()));
        double iouBefore = meanIou(before, byId);
        double iouAfter = meanIou(after, byId);
        assertTrue(iouAfter > iouBefore + 0.1, "live IoU " + iouBefore + " -> " + iouAfter);

        List<ConsumerRecord<byte[], byte[]>> updates = StreamTestKafka.readAll(config, config.modelUpdatesTopic());
        assertEquals(1, updates.size());
        ModelUpdate update = AvroCodec.of(ModelUpdate.class).decode(updates.get(0).value());
        RegisteredModel promoted = registry.current().orElseThrow();
        assertEquals("v0002", promoted.version());
        assertEquals(List.of(promoted.version(), promoted.uri(), promoted.sha256(), "v0001"),
                List.of(update.getVersion(), update.getUri(), update.getSha256(), update.getPreviousVersion()));
        assertEquals(attempt.candidate().fgIou(), update.getCandidate().getFgIou());
        assertEquals(attempt.current().fgIou(), update.getPrevious().getFgIou());
    }

    /**
     * Updates that are not what the gate promoted, or whose files are not the signed ones, are refused while v0001
     * serves; the genuine signed v0002 is served; a v0003 that verified and whose folder is deleted before the
     * TaskManagers load it falls back to v0002 instead of failing its requests.
     */
    @Test
    void updatesThatAreNotWhatTheGatePromotedAreRefusedAndAVanishedVersionFallsBackToThePreviousOne(TestInfo info)
            throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        RegisteredModel weak = Retrainer.seed(registry, RetrainFixtures.weakModel());
        RegisteredModel good = registry.register(RetrainFixtures.goodModel());
        // the same version's files inside the registry root, config.json's threshold changed after signing
        Path tampered = registry.dir().resolve("tampered");
        copy(good.dir(), tampered);
        Path configJson = tampered.resolve(SavedModel.CONFIG);
        configJson.toFile().setWritable(true);
        Files.writeString(configJson, Files.readString(configJson).replaceFirst("\"threshold\"\\s*:\\s*[0-9.eE-]+",
                "\"threshold\" : 0.01"));
        // a link inside the root to a copy outside it
        Path outside = dir.resolve("outside");
        copy(good.dir(), outside);
        Path link = Files.createSymbolicLink(registry.dir().resolve("escape"), outside);
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, weak.dir().toString(), Map.of(
                StreamConfig.Key.MODEL_REGISTRY_ROOT, registry.dir().toString(),
                StreamConfig.Key.MODEL_SIGNING_KEY_FILE, RetrainFixtures.signingKeyFile().toString()));

        JobClient job = start(config, false);
        try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(config.kafka())) {
            publisher.publish(RetrainFixtures.unsignedUpdate(good, good.uri(), "v0001", 20));
            publisher.publish(RetrainFixtures.signedUpdate(good, ModelFolders.uri(tampered), "v0001"));
            publisher.publish(RetrainFixtures.signedUpdate(good, ModelFolders.uri(link), "v0001"));
            produce(config, "served-by-old", 60, 3);
            Map<String, MaskResult> served = awaitResults(config);
            assertEquals(Set.of("v0001"), served.values().stream().map(MaskResult::getModelVersion)
                    .collect(Collectors.toSet()));
            awaitCounter(job, HotSwap.UPDATES_REFUSED, 3);

            // the genuine folder behind the same update goes through: the refusals were about trust
            publisher.publish(RetrainFixtures.signedUpdate(good, good.uri(), "v0001"));
            while (awaitResults(config).values().stream().noneMatch(r -> r.getModelVersion().equals("v0002"))) {
                produce(config, "wave" + produced, WAVE, produced);
            }
            assertEquals(1, counter(job, HotSwap.UPDATES_ACCEPTED));

            RegisteredModel vanishing = registry.register(RetrainFixtures.goodModel());
            publisher.publish(RetrainFixtures.signedUpdate(vanishing, vanishing.uri(), "v0002"));
            awaitCounter(job, HotSwap.UPDATES_ACCEPTED, 2);
            Directories.deleteRecursively(vanishing.dir());
            List<String> afterDeletion = produce(config, "after-deletion", 40, 7);
            Map<String, MaskResult> byId = awaitResults(config);
            assertEquals(Set.of("v0002"), afterDeletion.stream().map(id -> byId.get(id).getModelVersion())
                    .collect(Collectors.toSet()), "the version before the vanished one serves");
            assertTrue(counter(job, StreamMetrics.MODEL_FALLBACKS) >= 1, "no request was tagged with v0003");
            assertTrue(counter(job, StreamMetrics.MODEL_LOAD_REFUSALS) >= 1);
            assertEquals(3, counter(job, HotSwap.UPDATES_REFUSED));
        } finally {
            job.cancel().get();
        }
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void awaitCounter(JobClient job, String name, long value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counter(job, name) < value) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " stayed at " + counter(job, name) + ", expected " + value);
            }
            Thread.sleep(100);
        }
    }

    private JobClient start(StreamConfig config, boolean withFailureSwitch) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.Topology topology = EditMaskJob.build(env, config, withFailureSwitch
                        ? KafkaWiring.requestSource(config.kafka(), false, new EditMaskJobRecoveryITCase.FailOnceDeserializer())
                        : KafkaWiring.requestSource(config.kafka(), false),
                HotSwap.verified(env, KafkaWiring.modelUpdatesSource(config.kafka()), SavedModels.LOADER, config),
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), SavedModels.LOADER);
        Gather.attach(topology.requests(), config);
        return env.executeAsync("hot-swap-test");
    }

    /** Produces {@code count} labeled scenes; returns their ids. */
    private List<String> produce(StreamConfig config, String prefix, int count, long seed) {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Example e : RetrainFixtures.scenes(prefix, count, seed)) {
            records.add(Map.entry(e.id(), requests.encode(RetrainFixtures.request(e, T0.plusMillis(produced)))));
            ids.add(e.id());
            produced++;
        }
        StreamTestKafka.produce(config, records);
        return ids;
    }

    /** Waits for a result per produced request; fails on a duplicate. */
    private Map<String, MaskResult> awaitResults(StreamConfig config) throws Exception {
        Map<String, MaskResult> byId = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.awaitRecords(config, config.masksTopic(), produced,
                Duration.ofSeconds(90))) {
            MaskResult result = results.decode(r.value());
            if (byId.put(result.getId(), result) != null) {
                throw new AssertionError("request " + result.getId() + " came out twice");
            }
        }
        return byId;
    }

    /** The request ids of each partition of the request topic, in offset order. */
    private static List<List<String>> requestsByPartition(StreamConfig config) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>(
                StreamTestKafka.readAll(config, config.requestsTopic()).stream()
                        .collect(Collectors.groupingBy(ConsumerRecord::partition)));
        return byPartition.values().stream().map(rs -> rs.stream()
                .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .map(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).toList()).toList();
    }

    private static void awaitStore(Path store, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(store) || GatheredStore.read(store.toUri(), false).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the store did not get " + count + " labeled requests");
            }
            Thread.sleep(300);
        }
    }

    private static double meanIou(List<String> ids, Map<String, MaskResult> byId) {
        return ids.stream().mapToDouble(id -> byId.get(id).getIou()).average().orElseThrow();
    }

    private static long counter(JobClient job, String name) {
        return METRICS.getMetricsByIdentifiers(job.getJobID()).entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + name))
                .map(Map.Entry::getValue).mapToLong(m -> ((Counter) m).getCount()).sum();
    }
}
