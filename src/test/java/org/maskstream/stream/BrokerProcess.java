package org.maskstream.stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.maskstream.demo.EmbeddedKafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded KRaft broker in a JVM of its own, on a fixed data folder and fixed ports, so a test can stop it and
 * start it again on the same data ({@link EmbeddedKafka#onDisk}). {@link #main} is that JVM: it starts the broker,
 * prints {@value #READY}, and shuts the broker down cleanly on SIGTERM.
 */
final class BrokerProcess implements AutoCloseable {
    private static final String READY = "broker ready";

    private final Path dir;
    private final int brokerPort;
    private final int controllerPort;
    private Process process;

    private BrokerProcess(Path dir, int brokerPort, int controllerPort) {
        this.dir = dir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** A broker on an emptied {@code dir} and two free ports, started. */
    static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        org.maskstream.util.Directories.deleteRecursively(dir);
        BrokerProcess broker = new BrokerProcess(dir, freePort(), freePort());
        broker.start();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    void createTopics(StreamConfig config, int partitions, Collection<String> topics) {
        EmbeddedKafka.createTopics(Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers())),
                config, partitions, topics);
    }

    /** Starts the broker JVM (on the data it left, if any) and waits until it accepts clients. */
    void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                dir.toString(), String.valueOf(brokerPort), String.valueOf(controllerPort)));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.contains(READY)) {
                        ready.countDown();
                    } else if (ready.getCount() > 0) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended; its exit is checked below
            }
        }, "broker-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(2, TimeUnit.MINUTES)) {
            close();
            throw new AssertionError("the broker process did not start within 2 min:\n" + output);
        }
    }

    /** Stops the broker JVM with SIGTERM (a clean shutdown) and waits for it to end. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The broker JVM: DIR BROKER_PORT CONTROLLER_PORT. */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka broker = EmbeddedKafka.onDisk(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join();
    }
}
