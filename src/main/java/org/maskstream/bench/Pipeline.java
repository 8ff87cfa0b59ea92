package org.maskstream.bench;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.maskstream.avro.EditRequest;
import org.maskstream.data.Example;
import org.maskstream.demo.Demo;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.demo.EmbeddedKafka;
import org.maskstream.events.KafkaWiring;
import org.maskstream.demo.RatePacer;
import org.maskstream.demo.RequestProducer;
import org.maskstream.stream.StreamConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The streaming job as users run it, Kafka to Kafka, on the in-process broker and a local Flink (parts 2, 4, 5).
 * One broker serves every job of a benchmark; each job gets fresh topics. Every request carries its true mask, so
 * the job computes an IoU for each one, as the bare model does.
 */
final class Pipeline implements AutoCloseable {
    /** How one job is set up. */
    record Settings(int batch, StreamConfig.Delivery delivery, int parallelism, Duration checkpointInterval) {
        String deliveryName() {
            return delivery == StreamConfig.Delivery.EXACTLY_ONCE ? "exactly-once" : "at-least-once";
        }
    }

    /** The latency of every request sent in one load step's segment, milliseconds. */
    record LatencySegments(double load, double rate, List<double[]> segments) {
    }

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);

    private final EmbeddedKafka kafka;
    private final Path model;
    private final Path tmp;
    private final List<EditRequest> pool = new ArrayList<>();
    private int jobs;

    Pipeline(Path model, List<Example> traffic, Path tmp) {
        this.model = model;
        this.tmp = tmp;
        for (Example e : traffic) {
            pool.add(RequestProducer.toRequest(e, e.id(), Instant.now(), true));
        }
        this.kafka = EmbeddedKafka.start();
    }

    /**
     * Throughput at the job's maximum rate: {@code (segments + 1) * perSegment} requests are in the topic before
     * the job starts; the first block (start-up, model load, warm-up) is not counted, each later block of
     * {@code perSegment} results is one run. Results are read uncommitted, as the job writes them: with exactly-once
     * they become readable at the next checkpoint, which delays them but does not slow the job.
     *
     * @param during called with the job's duration while it runs (e.g. to profile it); may be null
     * @return results per second of each segment
     */
    double[] throughput(Settings settings, int perSegment, int segments, Consumer<Runnable> during) throws Exception {
        StreamConfig config = config(settings);
        int total = (segments + 1) * perSegment;
        try (RequestProducer producer = new RequestProducer(config)) {
            for (int i = 0; i < total; i++) {
                producer.send(request("r" + i, Instant.now()));
            }
            producer.flush();
        }
        long[] arrivals = new long[total];
        Runnable job = () -> {
            try (KafkaConsumer<byte[], byte[]> reader = reader(config, "read_uncommitted")) {
                int seen = 0;
                long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
                while (seen < total) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the job wrote " + seen + " of " + total + " results within "
                                + RESULT_TIMEOUT + " (" + settings + ")");
                    }
                    for (ConsumerRecord<byte[], byte[]> ignored : reader.poll(Duration.ofMillis(20))) {
                        if (seen < total) {
                            arrivals[seen++] = System.nanoTime();
                        }
                    }
                }
            }
        };
        JobClient client = start(config, settings);
        try {
            if (during != null) {
                during.accept(job);
            } else {
                job.run();
            }
        } finally {
            stop(client);
        }
        double[] rates = new double[segments];
        for (int s = 1; s <= segments; s++) {
            long from = arrivals[s * perSegment - 1];
            long to = arrivals[(s + 1) * perSegment - 1];
            rates[s - 1] = perSegment / Math.max(1e-9, (to - from) / 1e9);
        }
        return rates;
    }

    /**
     * End-to-end latency under load: requests at {@code load[i] * maxRate} per second for {@code segments} segments
     * of {@code segmentLength} each, in rising order, after a warm-up segment at the lowest load. A request's
     * latency runs from just before its send to when a {@code read_committed} reader receives its result.
     */
    List<LatencySegments> latency(Settings settings, double maxRate, double[] loads, int segments,
                                  Duration segmentLength) throws Exception {
        StreamConfig config = config(settings);
        Map<String, long[]> sent = new ConcurrentHashMap<>(); // id -> {send nanos, step, segment}
        List<List<List<Double>>> latencies = new ArrayList<>();
        for (double ignored : loads) {
            List<List<Double>> steps = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                steps.add(new ArrayList<>());
            }
            latencies.add(steps);
        }
        JobClient client = start(config, settings);
        int[] expected = {0};
        try (KafkaConsumer<byte[], byte[]> reader = reader(config, "read_committed")) {
            Thread producer = new Thread(() -> {
                try (RequestProducer out = new RequestProducer(config)) {
                    long n = 0;
                    for (int step = -1; step < loads.length; step++) {
                        double rate = loads[Math.max(0, step)] * maxRate;
                        for (int s = 0; s < (step < 0 ? 1 : segments); s++) {
                            RatePacer pacer = new RatePacer(rate);
                            long end = System.nanoTime() + segmentLength.toNanos();
                            while (System.nanoTime() < end) {
                                pacer.awaitNext();
                                String id = "l" + n++;
                                sent.put(id, new long[] {System.nanoTime(), step, s});
                                out.send(request(id, Instant.now()));
                                synchronized (expected) {
                                    expected[0]++;
                                }
                            }
                        }
                    }
                    out.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-latency-producer");
            producer.start();
            int received = 0;
            long deadline = Long.MAX_VALUE;
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(5))) {
                    long now = System.nanoTime();
                    long[] s = sent.remove(new String(r.key(), StandardCharsets.UTF_8));
                    received++;
                    if (s != null && s[1] >= 0) {
                        latencies.get((int) s[1]).get((int) s[2]).add((now - s[0]) / 1e6);
                    }
                }
                if (!producer.isAlive()) {
                    if (deadline == Long.MAX_VALUE) {
                        deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
                    }
                    int want;
                    synchronized (expected) {
                        want = expected[0];
                    }
                    if (received >= want) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("latency run: " + received + " of " + want
                                + " results within " + RESULT_TIMEOUT + " after the last request (" + settings + ")");
                    }
                }
            }
            producer.join();
        } finally {
            stop(client);
        }
        List<LatencySegments> out = new ArrayList<>();
        for (int i = 0; i < loads.length; i++) {
            List<double[]> segs = new ArrayList<>();
            for (List<Double> seg : latencies.get(i)) {
                segs.add(seg.stream().mapToDouble(Double::doubleValue).toArray());
            }
            out.add(new LatencySegments(loads[i], loads[i] * maxRate, segs));
        }
        return out;
    }

    private EditRequest request(String id, Instant eventTime) {
        EditRequest base = pool.get(Math.floorMod(id.hashCode(), pool.size()));
        return EditRequest.newBuilder(base).setId(id).setEventTime(eventTime).build();
    }

    private StreamConfig config(Settings settings) {
        int n = ++jobs;
        StreamConfig.Builder builder = StreamConfig.builder();
        for (StreamConfig.Key k : StreamConfig.Key.values()) {
            if (k.name().startsWith("TOPIC_")) {
                builder.set(k, "bench" + n + "-" + k.defaultValue()); // fresh topics for every job
            }
        }
        StreamConfig config = builder
                .bootstrapServers(kafka.bootstrapServers())
                .model(model.toString())
                .set(StreamConfig.Key.GROUP_ID, "bench" + n)
                .set(StreamConfig.Key.TRANSACTIONAL_ID_PREFIX, "bench" + n)
                .set(StreamConfig.Key.PARALLELISM, settings.parallelism())
                .set(StreamConfig.Key.BATCH_SIZE, settings.batch())
                .set(StreamConfig.Key.DELIVERY, settings.deliveryName())
                .set(StreamConfig.Key.CHECKPOINT_INTERVAL_MS, settings.checkpointInterval().toMillis())
                .set(StreamConfig.Key.CHECKPOINT_DIR, tmp.resolve("checkpoints").toUri().toString())
                .set(StreamConfig.Key.START_FROM, "earliest")
                .set(StreamConfig.Key.RESTART_ATTEMPTS, 0)
                .build();
        kafka.createTopics(config, settings.parallelism(), config.topics());
        return config;
    }

    private JobClient start(StreamConfig config, Settings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(),
                Demo.localFlinkConfiguration(tmp, 0));
        EditMaskJob.configure(env, config);
        EditMaskJob.onKafka(env, config);
        return env.executeAsync("maskstream bench " + settings);
    }

    private static void stop(JobClient job) {
        job.cancel();
        try {
            // completes once the local cluster has shut down
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception cancelled) {
            // a cancelled job ends exceptionally; nothing to report
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader(StreamConfig config, String isolation) {
        Properties p = KafkaWiring.byteConsumerProperties(config.kafka(), "bench-reader");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(config.masksTopic()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
