package org.maskstream.deploy;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.data.Mask;
import org.maskstream.model.MaskModel;
import org.maskstream.stream.HotSwap;
import org.maskstream.events.AvroCodec;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.ModelLoader;
import org.maskstream.events.RawRecord;
import org.maskstream.stream.StreamConfig;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every query of the Grafana dashboard names a metric the job really registers, with the labels it groups by.
 * The names come from a running job: the MiniCluster uses flink-conf's Prometheus reporter (on a free port),
 * the job streams labeled, unlabeled and undecodable requests and (refused) model updates, and the test reads
 * what Prometheus would scrape.
 */
class DashboardMetricsITCase {

    private static final int PROMETHEUS_PORT = freePort();
    private static final Duration METRICS_TIMEOUT = Duration.ofSeconds(120);
    private static final int IMAGE_SIZE = 16;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(flinkConfReporter())
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** flink-conf/config.yaml's metrics settings, with the reporter moved to a free port. */
    private static Configuration flinkConfReporter() {
        Configuration fromFile = DeploymentFilesTest.flinkConf();
        Configuration conf = new Configuration();
        for (String key : fromFile.keySet()) {
            if (key.startsWith("metrics.")) {
                var option = ConfigOptions.key(key).stringType().noDefaultValue();
                conf.set(option, fromFile.get(option));
            }
        }
        conf.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                String.valueOf(PROMETHEUS_PORT));
        // the REST server's upload folder would otherwise stay behind in /tmp
        conf.set(WebOptions.UPLOAD_DIR, ProjectFiles.path("target/flink-web-upload").toString());
        return conf;
    }

    @Test
    void everyPanelQueriesMetricsTheJobRegisters() throws Exception {
        List<GrafanaDashboard.Panel> panels = GrafanaDashboard.load().panels();
        assertTrue(panels.size() >= 4, "throughput, latency, dead letters and live IoU: " + panels);
        Set<String> wanted = new TreeSet<>();
        panels.forEach(p -> {
            assertFalse(p.metricNames().isEmpty(), "panel '" + p.title() + "' queries no flink_ metric");
            wanted.addAll(p.metricNames());
        });

        Map<String, Set<String>> scraped = scrapeWhileTheJobRuns(wanted);

        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard.Panel panel : panels) {
            for (String query : panel.queries()) {
                Set<String> labels = new TreeSet<>();
                for (String metric : GrafanaDashboard.metricNames(query)) {
                    if (scraped.containsKey(metric)) {
                        labels.addAll(scraped.get(metric));
                    } else {
                        problems.add("panel '" + panel.title() + "': the job registers no " + metric);
                    }
                }
                for (String label : GrafanaDashboard.labelNames(query)) {
                    if (!labels.isEmpty() && !labels.contains(label)) {
                        problems.add("panel '" + panel.title() + "' uses label '" + label
                                + "', which its metrics do not carry: " + labels);
                    }
                }
            }
        }
        assertEquals(List.of(), problems, "the job's metrics: " + maskstreamMetrics(scraped));
    }

    /** Runs the job until every wanted metric is scraped (or the timeout passes); metric name -> label names. */
    private static Map<String, Set<String>> scrapeWhileTheJobRuns(Set<String> wanted) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamConfig config = StreamConfig.builder()
                .set(StreamConfig.Key.WINDOW_MS, 1000)
                .set(StreamConfig.Key.WATERMARK_OUT_OF_ORDER_MS, 0)
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 1000)
                .build();
        EditMaskJob.configure(env, config);
        DataGeneratorSource<RawRecord> requests = new DataGeneratorSource<>(new Requests(), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(200), TypeInformation.of(RawRecord.class));
        // model updates as the job command wires them; these are not ModelUpdates, so each is refused
        DataGeneratorSource<RawRecord> updates = new DataGeneratorSource<>(
                n -> new RawRecord(null, new byte[] {1, 2, 3}, "model-updates", 0, n, 0L), Long.MAX_VALUE,
                RateLimiterStrategy.perSecond(1), TypeInformation.of(RawRecord.class));
        ModelLoader loader = ref -> new EverythingModel();
        EditMaskJob.build(env, config, requests, HotSwap.verified(env, updates, loader, config), new DiscardingSink<>(),
                new DiscardingSink<>(), new DiscardingSink<>(),
                ModelRef.newBuilder().setVersion(EverythingModel.VERSION).setUri("constant").build(), loader);
        JobClient job = env.executeAsync("dashboard-metrics");
        try {
            long deadline = System.nanoTime() + METRICS_TIMEOUT.toNanos();
            Map<String, Set<String>> scraped = PrometheusText.scrape(PROMETHEUS_PORT);
            while (!scraped.keySet().containsAll(wanted) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                scraped = PrometheusText.scrape(PROMETHEUS_PORT);
            }
            return scraped;
        } finally {
            job.cancel().get();
        }
    }

    private static Set<String> maskstreamMetrics(Map<String, Set<String>> scraped) {
        return new TreeSet<>(scraped.keySet().stream().filter(n -> n.contains("maskstream")).toList());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Request n: every tenth undecodable bytes (a dead letter), the others a gray image whose left half is the
     * edit region, with the mask for even n (labeled, so IoU windows fill) and without it for odd n.
     */
    private static final class Requests implements GeneratorFunction<Long, RawRecord> {
        private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
        private transient AvroCodec<EditRequest> codec;
        private transient byte[] image;
        private transient byte[] mask;

        @Override
        public RawRecord map(Long n) throws Exception {
            if (codec == null) {
                codec = AvroCodec.of(EditRequest.class);
                image = png(new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_INT_RGB));
                boolean[] left = new boolean[IMAGE_SIZE * IMAGE_SIZE];
                for (int i = 0; i < left.length; i++) {
                    left[i] = i % IMAGE_SIZE < IMAGE_SIZE / 2;
                }
                mask = png(new Mask(IMAGE_SIZE, IMAGE_SIZE, left).toImage());
            }
            Instant eventTime = T0.plusMillis(50 * n);
            byte[] value;
            if (n % 10 == 9) {
                value = ("not an edit request " + n).getBytes(StandardCharsets.UTF_8);
            } else {
                value = codec.encode(EditRequest.newBuilder()
                        .setId("req-" + n)
                        .setEventTime(eventTime)
                        .setImage(ByteBuffer.wrap(image))
                        .setInstruction("recolour the left half")
                        .setGroundTruthMask(n % 2 == 0 ? ByteBuffer.wrap(mask) : null)
                        .setAttributes(Map.of())
                        .build());
            }
            return new RawRecord(("req-" + n).getBytes(StandardCharsets.UTF_8), value, "edit-requests", 0, n,
                    eventTime.toEpochMilli());
        }

        private static byte[] png(BufferedImage image) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        }
    }

    /** Predicts the whole image as the edit region: enough for metrics, whose values this test does not read. */
    private static final class EverythingModel implements MaskModel {
        static final String VERSION = "everything-v1";

        @Override
        public String version() {
            return VERSION;
        }

        @Override
        public int inputSize() {
            return IMAGE_SIZE;
        }

        @Override
        public float threshold() {
            return 0.5f;
        }

        @Override
        public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                float[] p = new float[IMAGE_SIZE * IMAGE_SIZE];
                Arrays.fill(p, 1f);
                out.add(p);
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** The Prometheus text format as the reporter serves it: metric name -> the label names its samples carry. */
    static final class PrometheusText {
        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

        private PrometheusText() {
        }

        static Map<String, Set<String>> scrape(int port) throws IOException, InterruptedException {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return parse(response.body());
        }

        static Map<String, Set<String>> parse(String text) {
            Map<String, Set<String>> metrics = new java.util.TreeMap<>();
            for (String line : text.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (line.startsWith("#") || !sample.find()) {
                    continue;
                }
                Set<String> labels = metrics.computeIfAbsent(sample.group(1), k -> new TreeSet<>());
                if (sample.group(3) != null) {
                    Matcher label = LABEL.matcher(sample.group(3));
                    while (label.find()) {
                        labels.add(label.group(1));
                    }
                }
            }
            return metrics;
        }
    }
}
