package org.maskstream.demo;

import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.Directories;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single in-process Kafka broker in KRaft combined mode (broker and controller in one node) on 127.0.0.1 and
 * free ports, its log in a temporary directory deleted by {@link #close()}. Used by the demo and every ITCase.
 *
 * <p>Sized like the production topics: {@code message.max.bytes} is {@link StreamConfig.Key#MAX_MESSAGE_BYTES}'s
 * default, so image-sized records go through, and transactions may last up to the Kafka default of 15 minutes.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final Path logDir;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats a fresh log directory and starts the broker; returns once it accepts clients. */
    public static EmbeddedKafka start() {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("embedded-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded broker's log directory", e);
        }
        try {
            return start(logDir, freePort(), freePort(), true);
        } catch (IOException e) {
            Directories.deleteRecursively(logDir);
            throw new UncheckedIOException("no free port for the embedded broker", e);
        }
    }

    /**
     * A broker on {@code logDir} that {@link #close()} keeps, formatted only the first time, on fixed ports: stopped
     * and started again it comes back with its topics, offsets and transactions (the fault suite's broker outage).
     */
    public static EmbeddedKafka onDisk(Path logDir, int brokerPort, int controllerPort) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's log directory " + logDir, e);
        }
        return start(logDir, brokerPort, controllerPort, false);
    }

    private static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort, boolean fresh) {
        try {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(NODE_ID));
            p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", logDir.toString());
            p.put("num.partitions", "1");
            p.put("auto.create.topics.enable", "false");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "2");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("transaction.state.log.num.partitions", "2");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("message.max.bytes", String.valueOf(StreamConfig.DEFAULT_MAX_MESSAGE_BYTES));
            p.put("replica.fetch.max.bytes", String.valueOf(StreamConfig.DEFAULT_MAX_MESSAGE_BYTES));
            p.put("log.flush.interval.messages", "1000000");
            // Records carry their event time as timestamp, and tests and replays use old ones: with time-based
            // rolling and retention such records roll a segment per append and are deleted at the next retention
            // check (5 min after start), which lost committed results in ITCases that ran past it.
            p.put("log.retention.ms", "-1");
            p.put("log.roll.ms", String.valueOf(Long.MAX_VALUE));
            KafkaConfig config = KafkaConfig.fromProps(p, false);

            if (fresh || !Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir);
            }

            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, fresh, server, "127.0.0.1:" + brokerPort);
            kafka.awaitReady();
            LOG.info("embedded Kafka broker on {} (log in {})", kafka.bootstrapServers, logDir);
            return kafka;
        } catch (Exception e) {
            if (fresh) {
                Directories.deleteRecursively(logDir);
            }
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    private static void format(Path logDir) throws Exception {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction());
        formatter.run();
    }

    private void awaitReady() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get();
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates topics with the given partition count and the config's message size limit; waits for them. */
    public void createTopics(StreamConfig config, int partitions, Collection<String> topics) {
        createTopics(admin(), config, partitions, topics);
    }

    /** {@link #createTopics(StreamConfig, int, Collection)} through {@code admin}, which this closes. */
    public static void createTopics(Admin admin, StreamConfig config, int partitions, Collection<String> topics) {
        List<NewTopic> newTopics = topics.stream()
                .map(t -> new NewTopic(t, partitions, (short) 1).configs(KafkaWiring.topicConfigs(config.kafka())))
                .toList();
        try (admin) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteOnClose) {
                Directories.deleteRecursively(logDir);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
