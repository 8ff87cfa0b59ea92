package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.experiment.HostileRecords;
import org.maskstream.events.KafkaWiring;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.OnnxFixture;
import org.maskstream.grounding.GroundedFixture;
import org.maskstream.demo.RequestProducer;
import org.maskstream.train.Evaluator;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The job against a real in-process broker and a MiniCluster, one bounded run per test on fresh topics. */
class EditMaskJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create();

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AvroCodec<EditRequest> REQUESTS = AvroCodec.of(EditRequest.class);
    private static final AvroCodec<MaskResult> RESULTS = AvroCodec.of(MaskResult.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);
    private static final AvroCodec<IouMetric> IOU = AvroCodec.of(IouMetric.class);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static StreamConfig config(TestInfo info, Map<StreamConfig.Key, Object> extra) {
        return StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), extra);
    }

    /** Runs the job over everything now in the request topic, to its end. */
    private static void runBounded(StreamConfig config) throws Exception {
        runBounded(config, SavedModels.LOADER);
    }

    private static void runBounded(StreamConfig config, ModelLoader loader) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, KafkaWiring.requestSource(config.kafka(), true), null,
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), loader);
        env.execute("edit-mask-job-test");
    }

    private static Map.Entry<String, byte[]> request(String id, long seed, boolean labeled, Instant eventTime) {
        return Map.entry(id, REQUESTS.encode(TestRequests.request(id, seed, labeled, eventTime)));
    }

    private static List<MaskResult> results(StreamConfig config) throws Exception {
        List<MaskResult> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.masksTopic())) {
            MaskResult result = RESULTS.decode(r.value());
            assertEquals(result.getId(), new String(r.key(), StandardCharsets.UTF_8), "key is the request id");
            out.add(result);
        }
        return out;
    }

    private static List<DeadLetter> deadLetters(StreamConfig config) throws Exception {
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.dlqTopic())) {
            out.add(DEAD_LETTERS.decode(r.value()));
        }
        return out;
    }

    /** Each id once: the ids of {@code results} as a set, failing on a duplicate. */
    private static Set<String> idsOnce(List<MaskResult> results) {
        Map<String, Integer> seen = new HashMap<>();
        results.forEach(r -> seen.merge(r.getId(), 1, Integer::sum));
        seen.forEach((id, n) -> assertEquals(1, n, "result for " + id + " came out " + n + " times"));
        return new TreeSet<>(seen.keySet());
    }

    /**
     * One committed result per expected id. A failure says where each missing result went: written in a transaction
     * that was never committed, refused as a dead letter, or never written at all.
     */
    private static void assertEachIdOnce(Set<String> expected, List<MaskResult> results, List<DeadLetter> deadLetters,
                                         StreamConfig config) {
        Set<String> got = idsOnce(results);
        if (got.equals(expected)) {
            return;
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(got);
        Map<String, String> uncommitted = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAllUncommitted(config, config.masksTopic())) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            if (missing.contains(id)) {
                uncommitted.merge(id, r.partition() + "@" + r.offset(), (a, b) -> a + "," + b);
            }
        }
        List<String> refused = deadLetters.stream()
                .map(d -> new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8) + " " + d.getKind()
                        + ": " + d.getReason())
                .toList();
        assertEquals(expected, got, "missing " + missing + "; of these, written but not committed (partition@offset): "
                + uncommitted + "; unexpected: " + got.stream().filter(id -> !expected.contains(id)).toList()
                + "; dead letters: " + refused + "; the masks sink's transactions: " + masksSinkLog(config));
    }

    /**
     * What {@code log4j2-test.properties} logged of this test's masks-sink transactions: each one prepared,
     * committed, and every warning or error.
     */
    private static List<String> masksSinkLog(StreamConfig config) {
        Path log = Path.of("target", "it-logs", "kafka-sink.log");
        String transactions = config.transactionalIdPrefix() + "-masks";
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains(transactions))
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("Prepare KafkaCommittable")
                            || l.contains("Committing Kafka transaction") || l.contains("Aborting transaction"))
                    .map(l -> l.replaceAll("\\[[^]]*\\] ", "").replace(transactions, "masks"))
                    .map(l -> l.length() > 200 ? l.substring(0, 200) : l)
                    .toList();
        } catch (IOException e) {
            return List.of("(no " + log + ": " + e + ")");
        }
    }

    @Test
    void thousandRequestsGiveExactlyOneResultEach(TestInfo info) throws Exception {
        StreamConfig config = config(info, Map.of());
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < 1000; i++) {
            records.add(request("req-" + i, i, i % 2 == 0, T0.plusMillis(37L * i)));
            ids.add("req-" + i);
        }
        StreamTestKafka.produce(config, records);

        runBounded(config);

        List<MaskResult> results = results(config);
        List<DeadLetter> deadLetters = deadLetters(config);
        assertEachIdOnce(ids, results, deadLetters, config);
        String version;
        try (MaskModel model = SavedModels.LOADER.load(EditMaskJob.initialModel(config))) {
            version = model.version();
        }
        for (MaskResult r : results) {
            assertEquals(version, r.getModelVersion(), r.getId());
        }
        assertEquals(List.of(), deadLetters);
    }

    @Test
    void labeledRequestsGetTheEvalIouAndWindowsAddUp(TestInfo info) throws Exception {
        StreamConfig config = config(info, Map.of());
        int n = 240;
        Map<String, EditRequest> sent = new LinkedHashMap<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // 150 ms apart: three 10 s windows, one of them partly filled
            EditRequest req = TestRequests.request("lab-" + i, 1000 + i, i % 4 != 3, T0.plusMillis(150L * i));
            sent.put(req.getId(), req);
            records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
        }
        StreamTestKafka.produce(config, records);

        runBounded(config);

        List<MaskResult> results = results(config);
        List<DeadLetter> deadLetters = deadLetters(config);
        assertEachIdOnce(sent.keySet(), results, deadLetters, config);
        Map<String, IouCounts> evaluated = evaluate(config, sent.values());
        Map<Long, IouCounts> expectedWindows = new TreeMap<>();
        for (MaskResult r : results) {
            EditRequest req = sent.get(r.getId());
            if (req.getGroundTruthMask() == null) {
                assertNull(r.getIou(), r.getId());
                continue;
            }
            IouCounts expected = evaluated.get(r.getId());
            assertEquals(expected.fgIou(), r.getIou(), 0.0, r.getId());
            assertEquals(expected.tp(), r.getPixelCounts().getTp(), r.getId());
            long window = Math.floorDiv(req.getEventTime().toEpochMilli(), 10_000L) * 10_000L;
            expectedWindows.merge(window, expected, IouCounts::merge);
        }
        assertTrue(evaluated.values().stream().anyMatch(c -> c.tp() > 0), "the model predicts something");

        List<IouMetric> metrics = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.iouTopic())) {
            metrics.add(IOU.decode(r.value()));
        }
        assertEquals(expectedWindows.size(), metrics.size(), "one IouMetric per window: " + metrics);
        long labeled = sent.values().stream().filter(r -> r.getGroundTruthMask() != null).count();
        assertEquals(labeled, metrics.stream().mapToLong(IouMetric::getCount).sum());
        for (IouMetric m : metrics) {
            IouCounts expected = expectedWindows.get(m.getWindowStart().toEpochMilli());
            assertEquals(expected.n(), m.getCount(), "count of window " + m.getWindowStart());
            assertEquals(expected.fgIou(), m.getMeanFgIou(), 1e-12);
            assertEquals(expected.pixelIou(), m.getPixelIou(), 1e-12);
            assertEquals(10_000L, m.getWindowEnd().toEpochMilli() - m.getWindowStart().toEpochMilli());
            assertTrue(m.getP10FgIou() <= m.getP50FgIou() && m.getP50FgIou() <= m.getP90FgIou(), m.toString());
        }
    }

    /** What {@code eval} ({@link Evaluator}) computes per labeled request, with the job's model. */
    private static Map<String, IouCounts> evaluate(StreamConfig config, Iterable<EditRequest> requests) throws Exception {
        List<Example> labeled = new ArrayList<>();
        for (EditRequest req : requests) {
            if (req.getGroundTruthMask() != null) {
                labeled.add(new Example(req.getId(), Images.decode(AvroCodec.bytes(req.getImage())),
                        req.getInstruction(),
                        Mask.fromImage(Images.decode(AvroCodec.bytes(req.getGroundTruthMask())))));
            }
        }
        Map<String, IouCounts> perExample = new HashMap<>();
        try (MaskModel model = SavedModels.LOADER.load(EditMaskJob.initialModel(config))) {
            Evaluator.evaluate(model, labeled, (e, predicted, counts) -> perExample.put(e.id(), counts), null);
        }
        return perExample;
    }

    /**
     * Sends {@code sent} and runs the job over them: every id exactly one result, no dead letter, and each labeled
     * result's IoU exactly what the same model gives outside the job.
     */
    private static List<MaskResult> serveEachOnceAsOffline(StreamConfig config, Map<String, EditRequest> sent)
            throws Exception {
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        sent.forEach((id, req) -> records.add(Map.entry(id, REQUESTS.encode(req))));
        StreamTestKafka.produce(config, records);

        runBounded(config);

        List<MaskResult> results = results(config);
        List<DeadLetter> deadLetters = deadLetters(config);
        assertEachIdOnce(sent.keySet(), results, deadLetters, config);
        assertEquals(List.of(), deadLetters);
        Map<String, IouCounts> evaluated = evaluate(config, sent.values());
        assertEquals(sent.values().stream().filter(r -> r.getGroundTruthMask() != null).count(), evaluated.size());
        for (MaskResult r : results) {
            if (evaluated.containsKey(r.getId())) {
                assertEquals(evaluated.get(r.getId()).fgIou(), r.getIou(), 0.0, r.getId());
            }
        }
        return results;
    }

    @Test
    void anOnnxModelFolderIsServedLikeATrainedOne(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, OnnxFixture.folder().toString(),
                Map.of());
        Map<String, EditRequest> sent = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            EditRequest req = TestRequests.request("onnx-" + i, 2000 + i, i % 2 == 0, T0.plusMillis(100L * i));
            // the words the fixture reads ("bright": light pixels, "dark": dark ones), and one it ignores
            req.setInstruction(List.of("remove the bright part", "paint the dark side", req.getInstruction()).get(i % 3));
            sent.put(req.getId(), req);
        }
        List<MaskResult> results = serveEachOnceAsOffline(config, sent);
        String version;
        try (MaskModel model = SavedModels.LOADER.load(EditMaskJob.initialModel(config))) {
            version = model.version();
        }
        for (MaskResult r : results) {
            assertEquals(version, r.getModelVersion(), r.getId());
            assertEquals(TestRequests.SIZE, r.getWidth(), r.getId());
            assertEquals(TestRequests.SIZE, r.getHeight(), r.getId());
        }
        for (MaskResult r : results) {
            String instruction = sent.get(r.getId()).getInstruction();
            if (!instruction.contains("bright") && !instruction.contains("dark")) {
                assertEquals(0.0, r.getCoverage(), 0.0, "the fixture selects nothing for: " + instruction);
            }
        }
        assertTrue(results.stream().anyMatch(r -> r.getCoverage() > 0), "some instructions select pixels");
    }

    @Test
    void aGroundedModelIsServedWithTheDetectorInsideTheBatch(TestInfo info, @TempDir Path dir) throws Exception {
        GroundedFixture.assumeDetectorAndSample();
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info,
                GroundedFixture.save(dir.resolve("grounded")).toString(), Map.of());
        Map<String, EditRequest> sent = new LinkedHashMap<>();
        List<Example> photos = GroundedFixture.photos();
        for (int i = 0; i < photos.size(); i++) {
            EditRequest req = RequestProducer.toRequest(photos.get(i), "photo-" + i, T0.plusMillis(100L * i),
                    i % 3 != 0);
            sent.put(req.getId(), req);
        }
        // the job's masks are the model's own outside the job: detector, grounding and network in one batch
        List<MaskResult> results = serveEachOnceAsOffline(config, sent);
        // mb-e008's stop sign is found and named: its mask is the sign, not the whole photo
        MaskResult sign = results.stream().filter(r -> sent.get(r.getId()).getInstruction()
                .equals(photos.stream().filter(e -> e.id().equals("mb-e008")).findFirst().orElseThrow().instruction()))
                .findFirst().orElseThrow();
        assertTrue(sign.getCoverage() > 0.2 && sign.getCoverage() < 0.8, "stop sign coverage " + sign.getCoverage());
    }

    @Test
    void eachPoisonInputBecomesOneDeadLetterOfItsKind(TestInfo info) throws Exception {
        StreamConfig config = config(info, Map.of(StreamConfig.Key.MAX_IMAGE_BYTES, 100_000));
        Map<String, DeadLetterKind> poison = new LinkedHashMap<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> good = new TreeSet<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 30; i++) {
            records.add(request("good-" + i, i, i % 2 == 0, T0.plusMillis(i)));
            good.add("good-" + i);
            switch (i) {
                case 3 -> {
                    byte[] garbage = new byte[200];
                    rnd.nextBytes(garbage);
                    records.add(Map.entry("poison-random-bytes", garbage));
                    poison.put("poison-random-bytes", DeadLetterKind.UNDECODABLE);
                }
                case 5 -> {
                    // labeled, so it would reach the IoU windows, whose assigner fails the job on Long.MIN_VALUE
                    EditRequest req = TestRequests.request("poison-min-event-time", 5, true,
                            Instant.ofEpochMilli(Long.MIN_VALUE));
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.BAD_EVENT_TIME);
                    EditRequest future = TestRequests.request("poison-future-event-time", 6, true,
                            Instant.now().plus(Duration.ofDays(365)));
                    records.add(Map.entry(future.getId(), REQUESTS.encode(future)));
                    poison.put(future.getId(), DeadLetterKind.BAD_EVENT_TIME);
                }
                case 7 -> {
                    EditRequest req = TestRequests.request("x".repeat(1 << 20), 7, false, T0);
                    records.add(Map.entry("poison-megabyte-id", REQUESTS.encode(req)));
                    poison.put("poison-megabyte-id", DeadLetterKind.BAD_ID);
                    EditRequest attributes = TestRequests.request("poison-megabyte-attribute", 7, false, T0);
                    attributes.setAttributes(Map.of("a", "v".repeat(1 << 20)));
                    records.add(Map.entry(attributes.getId(), REQUESTS.encode(attributes)));
                    poison.put(attributes.getId(), DeadLetterKind.BAD_ATTRIBUTES);
                }
                case 8 -> {
                    EditRequest req = TestRequests.request("poison-truncated-png", 8, false, T0);
                    byte[] png = AvroCodec.bytes(req.getImage());
                    req.setImage(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2)));
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.BAD_IMAGE);
                }
                case 12 -> {
                    EditRequest req = TestRequests.request("poison-oversize-image", 12, false, T0);
                    req.setImage(ByteBuffer.wrap(Images.encodePng(noise(256, rnd))));
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.IMAGE_TOO_LARGE);
                }
                case 17 -> {
                    EditRequest req = TestRequests.request("poison-empty-instruction", 17, false, T0);
                    req.setInstruction(" ");
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.BAD_INSTRUCTION);
                }
                case 21 -> {
                    EditRequest req = TestRequests.request("poison-wrong-size-mask", 21, false, T0);
                    req.setGroundTruthMask(ByteBuffer.wrap(Images.encodePng(Mask.empty(16, 16).toImage())));
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.BAD_MASK);
                }
                case 26 -> {
                    records.add(Map.entry("poison-unknown-schema",
                            evolvedEncoding(TestRequests.request("poison-unknown-schema", 26, false, T0))));
                    poison.put("poison-unknown-schema", DeadLetterKind.UNKNOWN_SCHEMA);
                }
                case 28 -> {
                    EditRequest req = TestRequests.request("poison-breaks-the-model", 28, false, T0);
                    req.setInstruction(BREAKS_THE_MODEL);
                    records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
                    poison.put(req.getId(), DeadLetterKind.INFERENCE_FAILED);
                }
                default -> { }
            }
        }
        StreamTestKafka.produce(config, records);
        Map<String, byte[]> sentValues = new HashMap<>();
        records.forEach(e -> sentValues.put(e.getKey(), e.getValue()));

        runBounded(config, ref -> new FaultInjectingModel(SavedModels.LOADER.load(ref),
                EditMaskJobITCase::failOnTheBreakingInstruction));

        List<DeadLetter> deadLetters = deadLetters(config);
        // the good requests batched with the one that breaks the model still get their results
        assertEachIdOnce(good, results(config), deadLetters, config);
        Map<String, DeadLetterKind> refused = new LinkedHashMap<>();
        for (DeadLetter d : deadLetters) {
            String key = new String(AvroCodec.bytes(d.getKey()), StandardCharsets.UTF_8);
            assertNull(refused.put(key, d.getKind()), "two dead letters for " + key);
            assertArrayEquals(sentValues.get(key), AvroCodec.bytes(d.getValue()), "original bytes of " + key);
            assertEquals(config.requestsTopic(), d.getTopic());
            assertTrue(!d.getReason().isBlank(), key);
        }
        assertEquals(poison, refused);
    }


    /**
     * Records as large as a record may be among good ones, each filling {@code max.message-bytes} exactly as the
     * producer counts it: one with a 100 KB key (its dead letter's key is cut), one with a short key (its value is
     * cut). Each becomes one dead letter and takes no other record with it.
     */
    @Test
    void recordsAtTheSizeLimitLoseNoOtherRecord(TestInfo info) throws Exception {
        StreamConfig config = config(info, Map.of());
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        Set<String> good = new TreeSet<>();
        for (int i = 0; i < 30; i++) {
            records.add(request("good-" + i, i, i % 2 == 0, T0.plusMillis(i)));
            good.add("good-" + i);
        }
        String longKey = "k".repeat(100_000);
        records.add(10, Map.entry(longKey, atTheLimit(config, longKey, "long-key")));
        records.add(20, Map.entry("short-key", atTheLimit(config, "short-key", "short-key")));
        StreamTestKafka.produce(config, records);

        runBounded(config);

        List<DeadLetter> deadLetters = deadLetters(config);
        assertEachIdOnce(good, results(config), deadLetters, config);
        assertEquals(2, deadLetters.size(), deadLetters.toString());
        for (DeadLetter dead : deadLetters) {
            assertEquals(DeadLetterKind.IMAGE_TOO_LARGE, dead.getKind(), dead.getReason());
            assertTrue(dead.getTruncated(), dead.getReason());
        }
    }

    /** An edit request whose record with {@code key} is exactly as large as the producer lets a record be. */
    private static byte[] atTheLimit(StreamConfig config, String key, String id) {
        EditRequest request = TestRequests.request(id, 99, false, T0);
        byte[] png = AvroCodec.bytes(request.getImage());
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] value = REQUESTS.encode(request);
        for (int i = 0; i < 3; i++) {
            long size = HostileRecords.producerRecordSize(keyBytes, value);
            int imageBytes = (int) (AvroCodec.bytes(request.getImage()).length + config.maxMessageBytes() - size);
            request.setImage(ByteBuffer.wrap(Arrays.copyOf(png, imageBytes)));
            value = REQUESTS.encode(request);
        }
        assertEquals(config.maxMessageBytes(), HostileRecords.producerRecordSize(keyBytes, value));
        return value;
    }


    private static final String BREAKS_THE_MODEL = "an instruction that breaks the model";

    /** The test-only switch: every batch holding {@link #BREAKS_THE_MODEL} fails, as a model bug would. */
    private static void failOnTheBreakingInstruction(List<String> instructions) {
        if (instructions.contains(BREAKS_THE_MODEL)) {
            throw new IllegalStateException("injected model failure for a batch of " + instructions.size());
        }
    }

    private static BufferedImage noise(int size, Random rnd) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, rnd.nextInt(0x1000000));
            }
        }
        return image;
    }

    /** EditRequest as a newer producer writes it: one more optional field. */
    private static final Schema EVOLVED = SchemaBuilder.record("EditRequest").namespace("org.maskstream.avro")
            .fields()
            .name("id").type().stringType().noDefault()
            .name("eventTime").type(org.apache.avro.LogicalTypes.timestampMillis()
                    .addToSchema(Schema.create(Schema.Type.LONG))).noDefault()
            .name("image").type().bytesType().noDefault()
            .name("instruction").type().stringType().noDefault()
            .name("groundTruthMask").type().optional().bytesType()
            .name("attributes").type().map().values().stringType().mapDefault(Map.of())
            .name("clientVersion").type().optional().stringType()
            .endRecord();

    private static byte[] evolvedEncoding(EditRequest req) throws Exception {
        GenericRecord r = new GenericData.Record(EVOLVED);
        r.put("id", req.getId());
        r.put("eventTime", req.getEventTime().toEpochMilli());
        r.put("image", req.getImage());
        r.put("instruction", req.getInstruction());
        r.put("groundTruthMask", req.getGroundTruthMask());
        r.put("attributes", req.getAttributes());
        r.put("clientVersion", "2.0");
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), EVOLVED).encode(r).array();
    }

    @Test
    void recordOfAnEvolvedWriterSchemaIsProcessed(TestInfo info, @TempDir Path schemas) throws Exception {
        Files.writeString(schemas.resolve("EditRequest-v2.avsc"), EVOLVED.toString(true));
        StreamConfig config = config(info, Map.of(StreamConfig.Key.SCHEMAS_DIR, schemas.toString()));
        EditRequest evolved = TestRequests.request("evolved-1", 5, true, T0);
        StreamTestKafka.produce(config, List.of(request("current-1", 4, true, T0),
                Map.entry(evolved.getId(), evolvedEncoding(evolved)), request("current-2", 6, false, T0)));

        runBounded(config);

        List<MaskResult> results = results(config);
        List<DeadLetter> deadLetters = deadLetters(config);
        assertEachIdOnce(Set.of("current-1", "evolved-1", "current-2"), results, deadLetters, config);
        MaskResult fromEvolved = results.stream().filter(r -> r.getId().equals("evolved-1")).findFirst().orElseThrow();
        assertEquals(evolved.getAttributes(), fromEvolved.getAttributes());
        assertTrue(fromEvolved.getIou() != null, "the evolved record's ground truth was read");
        assertEquals(List.of(), deadLetters);
    }

    @Test
    void garbageFromKcatLandsInTheDeadLetterTopic(TestInfo info) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/kcat")),
                "kcat is not installed (apt-get install -y kcat; .ci/run installs it): skipping the outside-client test");
        StreamConfig config = config(info, Map.of());
        StreamTestKafka.produce(config, List.of(request("before-kcat", 1, false, T0)));
        Process kcat = new ProcessBuilder("/usr/bin/kcat", "-b", KAFKA.broker().bootstrapServers(), "-t", config.requestsTopic(),
                "-P", "-K", ":", "-p", "0")
                .redirectErrorStream(true).start();
        kcat.getOutputStream().write("kcat-key:this is not an edit request\n".getBytes(StandardCharsets.UTF_8));
        kcat.getOutputStream().close();
        assertTrue(kcat.waitFor(30, TimeUnit.SECONDS), "kcat did not finish");
        assertEquals(0, kcat.exitValue(), new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        runBounded(config);

        assertEquals(Set.of("before-kcat"), idsOnce(results(config)));
        List<DeadLetter> dlq = deadLetters(config);
        assertEquals(1, dlq.size(), dlq.toString());
        assertEquals(DeadLetterKind.UNDECODABLE, dlq.get(0).getKind());
        assertEquals("kcat-key", new String(AvroCodec.bytes(dlq.get(0).getKey()), StandardCharsets.UTF_8));
        assertEquals("this is not an edit request",
                new String(AvroCodec.bytes(dlq.get(0).getValue()), StandardCharsets.UTF_8));
    }
}
