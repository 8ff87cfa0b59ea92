package org.maskstream.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A multi-process Flink cluster for ITCases, driven the way a user drives it: through {@code bin/maskstream-cluster}
 * (JobManager and TaskManagers as separate JVMs, the slim job jar submitted with {@code flink run}) and the REST API.
 * Its processes are killed by the pids the script writes, so a test can {@code kill -9} one of them.
 */
final class FlinkProcessCluster implements AutoCloseable {
    static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private final Path dir;
    private final int port;
    private final int taskManagers;

    private FlinkProcessCluster(Path dir, int port, int taskManagers) {
        this.dir = dir;
        this.port = port;
        this.taskManagers = taskManagers;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers in {@code target/it-cluster} (one folder for every
     * ITCase, so its {@code lib/} is filled once; the checkpoints and savepoints of an earlier cluster deleted), with
     * {@code settings} (KEY=VALUE) in their config.yaml. The JobManager's RPC port is a free one, so two clusters
     * on one machine do not meet on Flink's default 6123.
     */
    static FlinkProcessCluster start(int taskManagers, String... settings) throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(ROOT.resolve("target/maskstream-job.jar")),
                "target/maskstream-job.jar is missing: run 'mvn package'");
        Path dir = ROOT.resolve("target/it-cluster");
        org.maskstream.util.Directories.deleteRecursively(dir.resolve("data"));
        FlinkProcessCluster cluster = new FlinkProcessCluster(dir, freePort(), taskManagers);
        List<String> args = new ArrayList<>(List.of("start", "--taskmanagers", String.valueOf(taskManagers),
                "--set", "jobmanager.rpc.port=" + freePort()));
        for (String setting : settings) {
            args.addAll(List.of("--set", setting));
        }
        try {
            cluster.script(args.toArray(String[]::new));
        } catch (AssertionError | IOException | InterruptedException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Runs {@code bin/maskstream-cluster COMMAND --dir --port ARGS}; fails with its output unless it exits 0. */
    String script(String... args) throws IOException, InterruptedException {
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

    /**
     * Submits the job jar with {@code flink run} options (e.g. {@code -p 2}, {@code -s SAVEPOINT}) and every key of
     * {@code config} as {@code --conf}; returns the job id.
     */
    String submit(StreamConfig config, String... runOptions) throws IOException, InterruptedException {
        return submit(List.of(), config, runOptions);
    }

    /** {@link #submit(StreamConfig, String...)} of another jar and entry point: a new version of the job. */
    String submit(Path jar, String mainClass, StreamConfig config, String... runOptions)
            throws IOException, InterruptedException {
        return submit(List.of("--jar", jar.toString(), "--class", mainClass), config, runOptions);
    }

    private String submit(List<String> jarOptions, StreamConfig config, String... runOptions)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("submit"));
        args.addAll(jarOptions);
        args.addAll(List.of(runOptions));
        args.add("--");
        config.toMap().forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
        String output = script(args.toArray(String[]::new));
        Matcher id = JOB_ID.matcher(output);
        assertTrue(id.find(), output);
        return id.group(1);
    }

    /** Waits until the job and every one of its tasks run. */
    void awaitRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = getOrNull("/jobs/" + jobId);
            if (job != null && "RUNNING".equals(job.path("state").asText()) && job.path("vertices").size() > 0
                    && allRunning(job.path("vertices"))) {
                return;
            }
            Thread.sleep(500);
        }
        fail("job " + jobId + " not running after " + timeout + ": " + job);
    }

    private static boolean allRunning(JsonNode vertices) {
        for (JsonNode v : vertices) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@code count} TaskManagers are registered with the (possibly restarted) JobManager. */
    void awaitTaskManagers(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode tms = getOrNull("/taskmanagers");
            if (tms != null && tms.path("taskmanagers").size() == count) {
                return;
            }
            Thread.sleep(500);
        }
        fail(count + " TaskManagers not registered after " + timeout);
    }

    /** {@code flink stop} with a savepoint into the cluster's savepoint folder; returns the savepoint's path. */
    String stopWithSavepoint(String jobId) throws IOException, InterruptedException {
        String output = script("flink", "stop", jobId);
        Matcher path = SAVEPOINT.matcher(output);
        assertTrue(path.find(), output);
        return path.group(1);
    }

    /** The newest complete checkpoint the job left in the cluster's checkpoint folder (one with its metadata). */
    Path latestRetainedCheckpoint(String jobId) throws IOException {
        Path jobDir = dir.resolve("data/checkpoints").resolve(jobId);
        try (Stream<Path> checkpoints = Files.list(jobDir)) {
            Optional<Path> latest = checkpoints
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
            return latest.orElseThrow(() -> new AssertionError("no complete checkpoint in " + jobDir));
        }
    }

    /**
     * The process name ({@code taskmanager-N}) of the TaskManager running the first subtask of the vertex whose
     * name contains {@code vertexName}: its ResourceID appears in that TaskManager's log.
     */
    String taskManagerRunning(String jobId, String vertexName) throws IOException, InterruptedException {
        for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (v.path("name").asText().contains(vertexName)) {
                String tmId = get("/jobs/" + jobId + "/vertices/" + v.path("id").asText())
                        .path("subtasks").path(0).path("taskmanager-id").asText();
                for (int n = 1; n <= taskManagers; n++) {
                    Path log = dir.resolve("log/taskmanager-" + n + ".log");
                    if (Files.isRegularFile(log) && Files.readString(log).contains(tmId)) {
                        return "taskmanager-" + n;
                    }
                }
                fail("no TaskManager log names " + tmId);
            }
        }
        throw new AssertionError("job " + jobId + " has no vertex named like " + vertexName);
    }

    /**
     * Waits until the vertex whose name contains {@code vertexName} has read at least {@code records} records
     * (the REST API's per-vertex {@code read-records}, summed over its subtasks).
     */
    void awaitVertexRecords(String jobId, String vertexName, long records, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long read = -1;
        while (System.nanoTime() < deadline) {
            read = -1;
            for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
                if (v.path("name").asText().contains(vertexName)) {
                    read = v.path("metrics").path("read-records").asLong();
                }
            }
            if (read >= records) {
                return;
            }
            Thread.sleep(500);
        }
        fail("vertex " + vertexName + " of job " + jobId + " read " + read + " records in " + timeout + " (-1: no "
                + "such vertex), not " + records);
    }

    /** {@code kill -9} of one of the cluster's processes ({@code jobmanager}, {@code taskmanager-N}). */
    void kill9(String process) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(dir.resolve("run/" + process + ".pid")).trim());
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(process + " " + pid + " is not running"));
        assertTrue(new ProcessBuilder("kill", "-9", String.valueOf(pid)).start().waitFor() == 0, "kill -9 " + pid);
        handle.onExit().join();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        JsonNode node = getOrNull(path);
        if (node == null) {
            fail("GET " + path + " on port " + port + " did not answer 200");
        }
        return node;
    }

    private JsonNode getOrNull(String path) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (java.net.ConnectException e) {
            return null;
        }
    }

    /** Stops every process the script started (by pid file). */
    @Override
    public void close() throws IOException, InterruptedException {
        script("stop");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
