package org.maskstream.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.Json;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The hostile suite's job, in a JVM of its own started by {@link HostileInput} with the shipped TaskManager's heap:
 * a MiniCluster with one TaskManager of the shipped slot count runs the job ({@link EditMaskJob#build} with the
 * Kafka source bounded at the offsets of its start) to its end, and this writes what the run was: the job's final
 * status, its restarts (the {@code numRestarts} metric over REST while it runs, and the exception history after),
 * and the heap's high-water mark (peak usage of every heap memory pool, JMX, and the most in use after a
 * collection).
 *
 * <p>Arguments: the job's {@link StreamConfig} as a JSON object of keys and values, the slot count, and the file to
 * write the {@link Run} to.
 */
public final class HostileJobMain {
    private static final Duration POLL = Duration.ofMillis(500);

    /**
     * What the run was.
     *
     * @param restarts            the highest {@code numRestarts} the job reported while running
     * @param exceptions          entries in the job's exception history (each failure that caused a restart)
     * @param heapPeakBytes       sum of the peak usage of the heap pools, garbage included: an upper bound of the
     *                            heap's high-water mark
     * @param heapPoolPeakBytes   each heap pool's peak usage
     * @param heapAfterGcPeakBytes the most heap in use right after a collection: what the run held live at most
     * @param maxHeapBytes        the JVM's maximum heap ({@code -Xmx})
     */
    public record Run(String status, String failure, long restarts, int exceptions, long heapPeakBytes,
                      Map<String, Long> heapPoolPeakBytes, long heapAfterGcPeakBytes, long maxHeapBytes,
                      long jobMillis) {
    }

    /** The most heap in use right after any collection, from the collectors' notifications. */
    private static final AtomicLong AFTER_GC_PEAK = new AtomicLong();

    private static void watchCollections() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
            long used = info.getMemoryUsageAfterGc().entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed()).sum();
            AFTER_GC_PEAK.accumulateAndGet(used, Math::max);
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
    }

    private HostileJobMain() {
    }

    public static void main(String[] args) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, String> settings = Json.MAPPER.readValue(Path.of(args[0]).toFile(), Map.class);
        watchCollections();
        StreamConfig config = StreamConfig.fromMap(settings);
        int slots = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Run run = run(config, slots);
        Json.MAPPER.writeValue(out.toFile(), run);
        // Kafka and Flink leave non-daemon threads behind after close
        System.exit(0);
    }

    private static Run run(StreamConfig config, int slots) throws Exception {
        Configuration flink = new Configuration();
        flink.set(RestOptions.BIND_PORT, "0");
        MiniClusterConfiguration cluster = new MiniClusterConfiguration.Builder().setConfiguration(flink)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build();
        try (MiniCluster mini = new MiniCluster(cluster)) {
            mini.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
            env.setParallelism(slots);
            EditMaskJob.configure(env, config);
            EditMaskJob.build(env, config, KafkaWiring.requestSource(config.kafka(), true), null,
                    KafkaWiring.masksSink(config.kafka()), KafkaWiring.iouSink(config.kafka()),
                    KafkaWiring.deadLetterSink(config.kafka()), EditMaskJob.initialModel(config), SavedModels.LOADER);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("hostile-input");
            long start = System.nanoTime();
            JobID job = mini.submitJob(graph).get().getJobID();
            URI rest = mini.getRestAddress().get();
            HttpClient http = HttpClient.newHttpClient();
            long restarts = 0;
            while (!mini.getJobStatus(job).get().isGloballyTerminalState()) {
                restarts = Math.max(restarts, numRestarts(http, rest, job));
                Thread.sleep(POLL.toMillis());
            }
            JobResult result = mini.requestJobResult(job).get();
            long jobMillis = (System.nanoTime() - start) / 1_000_000;
            JobStatus status = result.getApplicationStatus().deriveJobStatus();
            String failure = result.getSerializedThrowable()
                    .map(t -> t.getFullStringifiedStackTrace()).orElse(null);
            int exceptions = get(http, rest.resolve("/jobs/" + job + "/exceptions")).path("exceptionHistory")
                    .path("entries").size();
            return heap(status.toString(), failure, restarts, exceptions, jobMillis);
        }
    }

    private static Run heap(String status, String failure, long restarts, int exceptions, long jobMillis) {
        Map<String, Long> pools = new LinkedHashMap<>();
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                pools.put(pool.getName(), pool.getPeakUsage().getUsed());
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return new Run(status, failure, restarts, exceptions, sum, pools, AFTER_GC_PEAK.get(),
                Runtime.getRuntime().maxMemory(), jobMillis);
    }

    /** The job's {@code numRestarts} metric, or 0 while the job has not registered it yet. */
    private static long numRestarts(HttpClient http, URI rest, JobID job) {
        try {
            JsonNode metrics = get(http, rest.resolve("/jobs/" + job + "/metrics?get=numRestarts"));
            return metrics.isArray() && !metrics.isEmpty() ? metrics.get(0).path("value").asLong() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static JsonNode get(HttpClient http, URI uri) throws IOException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + uri, e);
        }
    }
}
