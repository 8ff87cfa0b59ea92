package org.maskstream.demo;

import org.maskstream.events.AvroCodec;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.StreamConfig;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;

import javax.security.auth.login.AppConfigurationEntry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The whole product in one process: an in-process Kafka broker, the job on a local Flink, a producer of steady
 * synthetic (or dataset) traffic, and a reader of the committed outputs printing a live line.
 *
 * <p>Everything temporary lives below one folder ({@code java.io.tmpdir} is pointed there for the broker, Flink's
 * working, blob and upload folders, and native libraries), deleted on the way out, also after Ctrl-C.
 */
public final class Demo {
    private static final Duration LINE_EVERY = Duration.ofSeconds(5);
    private static final double LABELED_FRACTION = 0.5;
    /** One in this many records is deliberately corrupt, to show the dead-letter path. */
    private static final int GARBAGE_EVERY = 100;
    private static final long TRAFFIC_SEED = 7;
    private static final int TRAFFIC_SCENES = 500;

    /**
     * @param duration how long to stream; null: until {@link #stop()} (Ctrl-C)
     * @param rate     requests per second
     * @param data     dataset folder to stream; null: synthetic scenes
     * @param loop     the retraining loop to run alongside; null: none
     * @param view     the live web view, started on the demo's topics with Flink's web UI; null: neither
     * @param kafka    Kafka client properties for every client of the demo (a {@code --kafka-config} file); the
     *                 demo's broker takes the login they name ({@link #brokerFor})
     */
    public record Options(Duration duration, double rate, List<Example> data, Path model, PrintStream out, Loop loop,
                          Attachment view, Map<String, String> kafka) {
        public Options {
            kafka = Map.copyOf(kafka);
        }
    }

    /** Something that runs beside the demo's job on its broker and topics (the live view), closed at the end. */
    public interface Attachment {
        AutoCloseable start(StreamConfig config, PrintStream out) throws Exception;
    }

    /**
     * What the retraining loop adds to the demo ({@code org.maskstream.demo.DemoRetraining}): its settings and
     * attempts in the background while the demo streams.
     */
    public interface Loop {
        StreamConfig configure(StreamConfig config);

        /** Starts the background work once the broker and the job run; closed when the demo ends. */
        AutoCloseable start(StreamConfig config, PrintStream out) throws Exception;
    }

    private final Options options;
    private final Path tmp;
    private volatile boolean stopping;

    public Demo(Options options, Path tmp) {
        this.options = options;
        this.tmp = tmp;
    }

    /** Asks a running demo to shut down (from a shutdown hook); {@link #run()} then returns. */
    public void stop() {
        stopping = true;
    }

    /**
     * The demo's broker for these client properties: plaintext without {@code security.protocol} (or with
     * PLAINTEXT), else SASL_PLAINTEXT with SASL/PLAIN and the one user that {@code sasl.jaas.config} logs in as, a
     * super user. So a {@code --kafka-config} file meant for a real cluster can be tried on the demo, every client of
     * which (job, traffic, live line, view, retraining) then logs in with it. TLS needs certificates the demo does
     * not have: SSL and SASL_SSL are refused.
     *
     * @return null for a plaintext broker
     * @throws IllegalArgumentException saying what in the properties the demo's broker cannot serve
     */
    public static EmbeddedKafka.Sasl brokerFor(Map<String, String> client) {
        String protocol = client.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT").trim()
                .toUpperCase(Locale.ROOT);
        switch (protocol) {
            case "PLAINTEXT":
                return null;
            case "SASL_PLAINTEXT":
                break;
            case "SSL", "SASL_SSL":
                throw new IllegalArgumentException("security.protocol=" + protocol + ": the demo's in-process broker"
                        + " has no TLS certificates; use SASL_PLAINTEXT for the demo, and " + protocol
                        + " with job, produce, tail, view and retrain against a real cluster");
            default:
                throw new IllegalArgumentException("security.protocol=" + protocol + " is none of PLAINTEXT,"
                        + " SASL_PLAINTEXT, SSL, SASL_SSL");
        }
        // Kafka's default mechanism is GSSAPI (Kerberos), which needs a KDC
        String mechanism = client.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM);
        if (!mechanism.equals("PLAIN")) {
            throw new IllegalArgumentException("sasl.mechanism=" + mechanism + ": the demo's broker takes PLAIN only");
        }
        String jaas = client.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            throw new IllegalArgumentException("SASL_PLAINTEXT without sasl.jaas.config: add " + SaslConfigs.SASL_JAAS_CONFIG
                    + "=" + PlainLoginModule.class.getName() + " required username=\"...\" password=\"...\";");
        }
        List<AppConfigurationEntry> entries;
        try {
            entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                    .configurationEntries();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sasl.jaas.config does not parse: " + e.getMessage(), e);
        }
        Map<String, ?> login = entries.get(0).getOptions();
        if (entries.size() != 1 || !entries.get(0).getLoginModuleName().equals(PlainLoginModule.class.getName())
                || !(login.get("username") instanceof String user) || !(login.get("password") instanceof String password)) {
            throw new IllegalArgumentException("sasl.jaas.config must be one " + PlainLoginModule.class.getName()
                    + " with a username and a password");
        }
        return new EmbeddedKafka.Sasl(Map.of(user, password), Set.of(user));
    }

    /** The demo's config: small windows and frequent checkpoints, so a person sees numbers within seconds. */
    private StreamConfig config(String bootstrapServers, Path model) {
        return StreamConfig.builder()
                .bootstrapServers(bootstrapServers)
                .kafka(options.kafka)
                .model(model.toString())
                .set(StreamConfig.Key.PARALLELISM, 1)
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, 2000)
                .set(StreamConfig.Key.WINDOW_MS, 10_000)
                .set(StreamConfig.Key.WATERMARK_OUT_OF_ORDER_MS, 2000)
                .set(StreamConfig.Key.WATERMARK_IDLE_MS, 5000)
                .set(StreamConfig.Key.TRANSACTIONAL_ID_PREFIX, "maskstream-demo")
                .set(StreamConfig.Key.START_FROM, "earliest")
                .set(StreamConfig.Key.RESTART_DELAY_MS, 1000)
                .set(StreamConfig.Key.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString())
                .build();
    }

    /**
     * Flink's local folders below {@code tmp} (a local cluster that cleans up), and its REST port: {@code restPort},
     * or any free one for 0.
     */
    public static Configuration localFlinkConfiguration(Path tmp, int restPort) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.resolve("flink-io").toString());
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, tmp.resolve("flink-blobs").toString());
        conf.set(WebOptions.UPLOAD_DIR, tmp.resolve("flink-web-upload").toString());
        conf.set(WebOptions.TMP_DIR, tmp.resolve("flink-web").toString());
        conf.set(RestOptions.BIND_PORT, String.valueOf(restPort));
        if (restPort > 0) {
            conf.set(RestOptions.PORT, restPort);
        }
        return conf;
    }

    /**
     * A port free now, for Flink's web UI: a local environment does not say which port "0" got, and the demo prints
     * the address. Another process could take it before Flink binds it; Flink then fails to start and says so.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs until the duration ends or {@link #stop()}; returns the results seen. */
    public long run() throws Exception {
        PrintStream out = options.out;
        out.println("starting an in-process Kafka broker...");
        EmbeddedKafka.Sasl sasl = brokerFor(options.kafka);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(sasl)) {
            StreamConfig plain = config(kafka.bootstrapServers(), options.model);
            StreamConfig config = options.loop == null ? plain : options.loop.configure(plain);
            kafka.createTopics(config, 1, config.topics());
            out.println("Kafka on " + kafka.bootstrapServers() + (sasl == null ? "" : " (SASL_PLAINTEXT, user "
                    + sasl.superUsers().iterator().next() + ")") + "; starting the Flink job with model " + options.model);

            int restPort = options.view == null ? 0 : freePort();
            StreamExecutionEnvironment env = options.view == null
                    ? StreamExecutionEnvironment.createLocalEnvironment(1, localFlinkConfiguration(tmp, restPort))
                    : StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(localFlinkConfiguration(tmp, restPort));
            env.setParallelism(1);
            EditMaskJob.configure(env, config);
            EditMaskJob.onKafka(env, config);
            JobClient job = env.executeAsync("maskstream demo");
            AutoCloseable view = () -> { };
            if (options.view != null) {
                out.println("Flink web UI: http://localhost:" + restPort + "/");
                view = options.view.start(config, out);
            }
            AutoCloseable loop = options.loop == null ? () -> { } : options.loop.start(config, out);
            Watcher watcher = new Watcher(config);
            Thread producer = new Thread(() -> produce(config), "demo-producer");
            try {
                producer.start();
                out.printf(Locale.ROOT, "streaming %.1f requests/s (%s, half of them labeled, 1%% corrupt)%s%n",
                        options.rate, options.data == null ? "synthetic scenes" : options.data.size() + " dataset examples",
                        options.duration == null ? "; Ctrl-C stops" : " for " + options.duration.toSeconds() + " s");
                watcher.watch(out);
            } finally {
                stopping = true;
                producer.join();
                loop.close();
                view.close();
                watcher.close();
                stopJob(job);
            }
            out.printf(Locale.ROOT, "stopped: %d results, %d dead letters, last window IoU %s%n", watcher.results,
                    watcher.deadLetters, watcher.lastIou == null ? "-" : String.format(Locale.ROOT, "%.3f",
                            watcher.lastIou.getMeanFgIou()));
            return watcher.results;
        }
    }

    private static void stopJob(JobClient job) {
        job.cancel();
        try {
            // completes once the local cluster has shut down, so its folders can go
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception cancelled) {
            // a cancelled job ends exceptionally; nothing to report
        }
    }

    private void produce(StreamConfig config) {
        List<Example> examples = options.data != null ? options.data
                : DemoModel.scenes(new SceneGenerator(DemoModel.SIZE, Phrasing.NORMAL), TRAFFIC_SEED, TRAFFIC_SCENES);
        Random rnd = new Random(TRAFFIC_SEED);
        RatePacer pacer = new RatePacer(options.rate);
        try (RequestProducer producer = new RequestProducer(config)) {
            for (long i = 0; !stopping; i++) {
                pacer.awaitNext();
                if (i % GARBAGE_EVERY == GARBAGE_EVERY - 1) {
                    byte[] garbage = new byte[64];
                    rnd.nextBytes(garbage);
                    producer.send("demo-garbage-" + i, garbage);
                    continue;
                }
                Example ex = examples.get((int) (i % examples.size()));
                producer.send(RequestProducer.toRequest(ex, "demo-" + i, Instant.now(),
                        rnd.nextDouble() < LABELED_FRACTION));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            options.out.println("the demo's producer stopped: " + e.getMessage());
        }
    }

    /** Reads the committed outputs and prints the live line. */
    private final class Watcher implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final StreamConfig config;
        private final AvroCodec<MaskResult> resultCodec = AvroCodec.of(MaskResult.class);
        private final AvroCodec<IouMetric> iouCodec = AvroCodec.of(IouMetric.class);
        private final List<Long> latencies = new ArrayList<>();
        private long intervalResults;
        long results;
        long deadLetters;
        IouMetric lastIou;
        String serving = "-";

        Watcher(StreamConfig config) {
            this.config = config;
            this.consumer = new KafkaConsumer<>(KafkaWiring.byteConsumerProperties(config.kafka(), "maskstream-demo-watcher"));
            consumer.subscribe(List.of(config.masksTopic(), config.iouTopic(), config.dlqTopic()));
        }

        void watch(PrintStream out) throws Exception {
            long start = System.nanoTime();
            long end = options.duration == null ? Long.MAX_VALUE : start + options.duration.toNanos();
            long nextLine = start + LINE_EVERY.toNanos();
            long lineStart = start;
            while (!stopping && System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    take(r);
                }
                long now = System.nanoTime();
                if (now >= nextLine) {
                    out.println(line((now - start) / 1e9, (now - lineStart) / 1e9));
                    out.flush();
                    latencies.clear();
                    intervalResults = 0;
                    lineStart = now;
                    nextLine += LINE_EVERY.toNanos();
                }
            }
        }

        private void take(ConsumerRecord<byte[], byte[]> r) throws AvroCodec.DecodeException {
            if (r.topic().equals(config.masksTopic())) {
                MaskResult result = resultCodec.decode(r.value());
                latencies.add(result.getLatencyMs());
                serving = result.getModelVersion();
                intervalResults++;
                results++;
            } else if (r.topic().equals(config.iouTopic())) {
                IouMetric m = iouCodec.decode(r.value());
                if (lastIou == null || !m.getWindowEnd().isBefore(lastIou.getWindowEnd())) {
                    lastIou = m;
                }
            } else {
                deadLetters++;
            }
        }

        private String line(double elapsedS, double intervalS) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            String iouText = lastIou == null ? "window IoU - (first window still open)" : String.format(Locale.ROOT,
                    "window IoU %.3f (n=%d, model %s, %s)", lastIou.getMeanFgIou(), lastIou.getCount(),
                    lastIou.getModelVersion(), lastIou.getWindowStart().toString().substring(11, 19));
            return String.format(Locale.ROOT, "[%4.0fs] %6.1f events/s | serving %s | latency p50 %s p99 %s | %s"
                            + " | dead letters %d", elapsedS, intervalResults / intervalS, serving, millis(sorted, 0.50),
                    millis(sorted, 0.99), iouText, deadLetters);
        }

        private static String millis(long[] sorted, double q) {
            if (sorted.length == 0) {
                return "-";
            }
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] + " ms";
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
