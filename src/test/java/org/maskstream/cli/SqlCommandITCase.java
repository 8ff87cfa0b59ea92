package org.maskstream.cli;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.EditRequest;
import org.maskstream.events.AvroCodec;
import org.maskstream.model.MaskModel;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.EmbeddedKafkaExtension;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;
import org.maskstream.stream.StreamTestCluster;
import org.maskstream.stream.StreamTestKafka;
import org.maskstream.stream.TestModels;
import org.maskstream.stream.TestRequests;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sql -f examples/sql/live-iou.sql}, the README's command, on the embedded broker: the IoU windows it
 * prints are those of the requests produced.
 */
class SqlCommandITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = StreamTestCluster.create();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int REQUESTS = 40;
    private static final DateTimeFormatter PRINTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    @Test
    void theExamplePrintsTheWindowsOfTheProducedRequests(TestInfo info) throws Exception {
        StreamConfig config = StreamTestKafka.freshConfig(KAFKA.broker(), info, TestModels.tiny().toString(), Map.of());
        AvroCodec<EditRequest> codec = AvroCodec.of(EditRequest.class);
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            // one a second: four 10 s windows; three in four labeled
            EditRequest req = TestRequests.request("cmd-" + i, 3000 + i, i % 4 != 3, T0.plusSeconds(i));
            records.add(Map.entry(req.getId(), codec.encode(req)));
        }
        records.add(Map.entry("poison", new byte[]{1, 2, 3}));
        StreamTestKafka.produce(config, records);
        String version;
        try (MaskModel model = SavedModels.LOADER.load(EditMaskJob.initialModel(config))) {
            version = model.version();
        }

        StringWriter out = new StringWriter();
        CommandLine sql = Main.commandLine();
        sql.setOut(new PrintWriter(out));
        assertEquals(0, sql.execute("sql", "-f", "examples/sql/live-iou.sql",
                "--bootstrap-servers", config.bootstrapServers(), "--var", "topic=" + config.requestsTopic(),
                "--var", "model=" + config.model(), "--var", "scan.bounded.mode=latest-offset"), out.toString());

        // the table's rows: | op | window_start | window_end | model_version | labeled | five IoU numbers |
        List<String> windows = new ArrayList<>();
        for (String line : out.toString().lines().filter(l -> l.startsWith("| +I |")).toList()) {
            String[] cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::strip)
                    .toArray(String[]::new);
            assertEquals(10, cells.length, line);
            windows.add(String.join(" ", cells[1], cells[2], cells[3], cells[4]));
            for (int c = 5; c < 10; c++) {
                double iou = Double.parseDouble(cells[c]);
                assertTrue(iou >= 0 && iou <= 1, line);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int w = 0; w < REQUESTS / 10; w++) {
            int first = w * 10;
            long labeled = java.util.stream.IntStream.range(first, first + 10).filter(i -> i % 4 != 3).count();
            expected.add(String.join(" ", local(T0.plusSeconds(first)), local(T0.plusSeconds(first + 10)), version,
                    Long.toString(labeled)));
        }
        assertEquals(expected, windows.stream().sorted().toList(), out.toString());
        assertTrue(out.toString().contains(expected.size() + " rows in set"), out.toString());
    }

    /** The query's windows are TIMESTAMP(3) in the session's time zone, the JVM's. */
    private static String local(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneId.systemDefault()).format(PRINTED);
    }
}
