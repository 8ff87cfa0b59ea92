package org.maskstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * On a multi-process cluster (bin/maskstream-cluster: JobManager and TaskManager JVMs), the slim job jar submitted
 * with Flink's own {@code flink run} runs under flink-conf/config.yaml's restart strategy, not one of its own: read
 * back from the running job's configuration through the REST API ({@code /jobs/:id/config}). Needs
 * target/maskstream-job.jar (runs after {@code package}).
 */
class ClusterRestartStrategyITCase {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void jobRunsUnderTheClustersRestartStrategy() throws Exception {
        Path jar = ROOT.resolve("target/maskstream-job.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run 'mvn package'");
        Path dir = ROOT.resolve("target/it-cluster-restart");
        int port = freePort();
        StreamConfig config = StreamTestKafka.prefixTopics(StreamConfig.builder(), "cluster-restart-")
                .bootstrapServers(KAFKA.broker().bootstrapServers()).model(TestModels.tiny().toString()).build();
        KAFKA.broker().createTopics(config, 2, config.topics());
        List<String> submit = new ArrayList<>(List.of("submit", "--", "--bootstrap-servers",
                config.bootstrapServers(), "--model", config.model()));
        config.toMap().forEach((key, value) -> {
            if (key.startsWith(StreamConfig.PREFIX + "topic.")) {
                submit.addAll(List.of("--conf", key + "=" + value));
            }
        });
        try {
            run(dir, port, "start");
            String submitted = run(dir, port, submit.toArray(String[]::new));
            Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(submitted);
            assertTrue(id.find(), submitted);

            String strategy = get(port, "/jobs/" + id.group(1) + "/config").path("execution-config")
                    .path("restart-strategy").asText();
            Configuration cluster = GlobalConfiguration.loadConfiguration(ROOT.resolve("flink-conf").toString());
            assertEquals("failure-rate", cluster.get(RestartStrategyOptions.RESTART_STRATEGY));
            assertEquals("Failure rate restart with maximum of "
                    + cluster.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL)
                    + " failures within interval "
                    + cluster.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL)
                    + " and fixed delay " + cluster.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY) + ".",
                    strategy);
        } finally {
            run(dir, port, "stop");
        }
    }

    private static String run(Path dir, int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/maskstream-cluster").toString(), args[0],
                "--dir", dir.toString(), "--port", String.valueOf(port)));
        command.addAll(List.of(args).subList(1, args.length));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MAVEN_OFFLINE", "-o");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            fail("bin/maskstream-cluster " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }

    private static JsonNode get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
