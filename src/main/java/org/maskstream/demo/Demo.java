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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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
     */
    public record Options(Duration duration, double rate, List<Example> data, Path model, PrintStream out, Loop loop) {
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

    /** The demo's config: small windows and frequent checkpoints, so a person sees numbers within seconds. */
    private StreamConfig config(String bootstrapServers, Path model) {
        return StreamConfig.builder()
                .bootstrapServers(bootstrapServers)
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

    /** Flink's local folders below the demo's temporary folder, and a REST port nobody else holds. */
    private Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.resolve("flink-io").toString());
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, tmp.resolve("flink-blobs").toString());
        conf.set(WebOptions.UPLOAD_DIR, tmp.resolve("flink-web-upload").toString());
        conf.set(WebOptions.TMP_DIR, tmp.resolve("flink-web").toString());
        conf.set(RestOptions.BIND_PORT, "0");
        return conf;
    }

    /** Runs until the duration ends or {@link #stop()}; returns the results seen. */
    public long run() throws Exception {
        PrintStream out = options.out;
        out.println("starting an in-process Kafka broker...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            StreamConfig plain = config(kafka.bootstrapServers(), options.model);
            StreamConfig config = options.loop == null ? plain : options.loop.configure(plain);
            kafka.createTopics(config, 1, config.topics());
            out.println("Kafka on " + kafka.bootstrapServers() + "; starting the Flink job with model " + options.model);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flinkConfiguration());
            EditMaskJob.configure(env, config);
            EditMaskJob.onKafka(env, config);
            JobClient job = env.executeAsync("maskstream demo");
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
