package org.maskstream.sql;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.PixelCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.events.AvroCodec;
import org.maskstream.stream.DecodeRequests;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.EmbeddedKafkaExtension;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;
import org.maskstream.stream.StreamTestCluster;
import org.maskstream.stream.StreamTestKafka;
import org.maskstream.stream.TestModels;
import org.maskstream.stream.TestRequests;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SQL example ({@code examples/sql/live-iou.sql}) against the DataStream job on the same topic, model and
 * MiniCluster: the same masks, the same dead letters and the same IoU windows.
 */
class SqlPredictITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create(RecordingReporter.install(new Configuration()));

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final AvroCodec<EditRequest> REQUESTS = AvroCodec.of(EditRequest.class);
    private static final AvroCodec<MaskResult> RESULTS = AvroCodec.of(MaskResult.class);
    private static final AvroCodec<IouMetric> IOU = AvroCodec.of(IouMetric.class);
    private static final AvroCodec<DeadLetter> DEAD_LETTERS = AvroCodec.of(DeadLetter.class);
    private static final Path SCRIPT = Path.of("examples", "sql", "live-iou.sql");

    private record Prediction(String version, byte[] mask, Row counts) {
    }

    @Test
    void theSqlExampleGivesTheJobsMasksDeadLettersAndWindows(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), Map.of());
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        int n = 500;
        for (int i = 0; i < n; i++) {
            // 150 ms apart: eight 10 s windows, the last one partly filled; three in four labeled
            EditRequest req = TestRequests.request("sql-" + i, 2000 + i, i % 4 != 3, T0.plusMillis(150L * i));
            records.add(Map.entry(req.getId(), REQUESTS.encode(req)));
        }
        byte[] garbage = new byte[200];
        new Random(7).nextBytes(garbage);
        records.add(Map.entry("poison-random-bytes", garbage));
        EditRequest truncated = TestRequests.request("poison-truncated-png", 8, false, T0);
        byte[] png = AvroCodec.bytes(truncated.getImage());
        truncated.setImage(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2)));
        records.add(Map.entry(truncated.getId(), REQUESTS.encode(truncated)));
        EditRequest blank = TestRequests.request("poison-empty-instruction", 17, false, T0);
        blank.setInstruction(" ");
        records.add(Map.entry(blank.getId(), REQUESTS.encode(blank)));
        StreamTestKafka.produce(config, records);

        runDataStreamJob(config);
        Map<String, MaskResult> jobResults = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.masksTopic())) {
            MaskResult result = RESULTS.decode(r.value());
            assertNull(jobResults.put(result.getId(), result), "the job gave " + result.getId() + " twice");
        }
        assertEquals(n, jobResults.size());
        Map<String, Long> jobDeadLetters = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.dlqTopic())) {
            jobDeadLetters.merge(DEAD_LETTERS.decode(r.value()).getKind().name(), 1L, Long::sum);
        }
        assertEquals(Map.of("BAD_IMAGE", 1L, "BAD_INSTRUCTION", 1L, "UNDECODABLE", 1L), jobDeadLetters);

        String version;
        try (MaskModel model = SavedModels.LOADER.load(EditMaskJob.initialModel(config))) {
            version = model.version();
        }

        // The masks: every request once, each mask byte-equal to the job's.
        Map<String, Prediction> sql = new HashMap<>();
        try (CloseableIterator<Row> rows = sql(config, "sql-masks")
                .executeSql("SELECT id, model_version, mask_png, pixel_counts FROM predictions").collect()) {
            rows.forEachRemaining(row -> assertNull(sql.put((String) row.getField(0), new Prediction(
                    (String) row.getField(1), (byte[]) row.getField(2), (Row) row.getField(3))),
                    "SQL gave " + row.getField(0) + " twice"));
        }
        assertEquals(jobResults.keySet(), sql.keySet());
        for (Map.Entry<String, Prediction> p : sql.entrySet()) {
            MaskResult job = jobResults.get(p.getKey());
            assertEquals(version, p.getValue().version(), p.getKey());
            assertArrayEquals(AvroCodec.bytes(job.getMask()), p.getValue().mask(), "mask of " + p.getKey());
            PixelCounts c = job.getPixelCounts();
            Row counts = p.getValue().counts();
            if (c == null) {
                assertNull(counts, p.getKey());
            } else {
                assertEquals(List.of(c.getTp(), c.getFp(), c.getFn(), c.getTn()),
                        List.of(counts.getField(0), counts.getField(1), counts.getField(2), counts.getField(3)),
                        "pixel counts of " + p.getKey());
            }
        }
        assertTrue(jobResults.values().stream().anyMatch(r -> r.getPixelCounts() != null
                && r.getPixelCounts().getTp() > 0), "the model predicts something");

        // Bad records: skipped by the format, counted by kind as the job's dead letters are.
        assertEquals(jobDeadLetters, RecordingReporter.deadLetters("sql-masks"));

        // Micro-batching: the SQL operator's batches held more than one row, and every row was in one.
        List<Histogram> batches = RecordingReporter.batchSizes("sql-masks");
        assertEquals(2, batches.size(), "one batcher per subtask, parallelism 2");
        long largest = batches.stream().mapToLong(h -> h.getStatistics().getMax()).max().orElseThrow();
        double rowsInBatches = batches.stream().mapToDouble(h -> h.getStatistics().getMean() * h.getCount()).sum();
        assertTrue(largest > 1, "largest ML_PREDICT batch: " + largest);
        assertEquals(n, rowsInBatches, 1e-6);

        // The IoU windows: the example's TUMBLE query equals the job's IouMetric records.
        Map<String, IouMetric> jobWindows = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : StreamTestKafka.readAll(config, config.iouTopic())) {
            IouMetric m = IOU.decode(r.value());
            jobWindows.put(m.getWindowStart() + " " + m.getModelVersion(), m);
        }
        assertEquals(8, jobWindows.size(), "eight windows: " + jobWindows.keySet());
        String windows = SqlScript.parse(Files.readString(SCRIPT), variables(config)).statements().stream()
                .reduce((a, b) -> b).orElseThrow();
        Map<String, Row> sqlWindows = new TreeMap<>();
        try (CloseableIterator<Row> rows = sql(config, "sql-windows").executeSql(windows).collect()) {
            rows.forEachRemaining(row -> {
                Instant start = ((LocalDateTime) row.getField("window_start")).toInstant(ZoneOffset.UTC);
                sqlWindows.put(start + " " + row.getField("model_version"), row);
            });
        }
        assertEquals(jobWindows.keySet(), sqlWindows.keySet());
        for (Map.Entry<String, IouMetric> w : jobWindows.entrySet()) {
            IouMetric job = w.getValue();
            Row row = sqlWindows.get(w.getKey());
            assertEquals(job.getCount(), row.getField("labeled"), w.getKey());
            assertEquals(job.getMeanFgIou(), (double) row.getField("mean_fg_iou"), 1e-12, w.getKey());
            assertEquals(job.getPixelIou(), (double) row.getField("pixel_iou"), 0.0, w.getKey());
            assertEquals(job.getP10FgIou(), (double) row.getField("p10_fg_iou"), 0.0, w.getKey());
            assertEquals(job.getP50FgIou(), (double) row.getField("p50_fg_iou"), 0.0, w.getKey());
            assertEquals(job.getP90FgIou(), (double) row.getField("p90_fg_iou"), 0.0, w.getKey());
        }
    }

    @Test
    void aWellFormedModelPlansWithTheModelItNames(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), Map.of());
        String plan = sql(config, "sql-explain").executeSql("EXPLAIN SELECT * FROM predictions").collect().next()
                .toString();
        assertTrue(plan.contains("MLPredictTableFunction"), plan);
    }

    private static void runDataStreamJob(StreamConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EditMaskJob.configure(env, config);
        EditMaskJob.build(env, config, KafkaWiring.requestSource(config.kafka(), true), null,
                KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()), KafkaWiring.deadLetterSink(config.kafka()),
                EditMaskJob.initialModel(config), SavedModels.LOADER);
        env.execute("datastream-job");
    }

    private static Map<String, String> variables(StreamConfig config) {
        return Map.of("topic", config.requestsTopic(), "bootstrap.servers", config.bootstrapServers(),
                "group.id", config.groupId() + "-sql", "scan.bounded.mode", "latest-offset",
                "model", config.model(), "window.seconds", String.valueOf(config.window().toSeconds()));
    }

    /** A table environment on the MiniCluster with every statement of the example but its final query run. */
    private static TableEnvironment sql(StreamConfig config, String jobName) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("pipeline.name", jobName);
        SqlScript.parse(Files.readString(SCRIPT), variables(config)).withoutLastStatement()
                .run(tables, new PrintWriter(System.out, true));
        return tables;
    }
}
