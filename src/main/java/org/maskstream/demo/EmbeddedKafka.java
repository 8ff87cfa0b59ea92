package org.maskstream.demo;

import org.maskstream.events.KafkaWiring;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.Directories;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A single in-process Kafka broker in KRaft combined mode (broker and controller in one node) on 127.0.0.1 and
 * free ports, its log in a temporary directory deleted by {@link #close()}. Used by the demo and every ITCase.
 *
 * <p>Plaintext by default; {@link #start(Sasl)} starts one that authenticates (SASL/PLAIN on a SASL_PLAINTEXT
 * listener) and authorizes ({@code StandardAuthorizer}: no access without an ACL, except for super users).
 *
 * <p>Sized like the production topics: {@code message.max.bytes} is {@link StreamConfig.Key#MAX_MESSAGE_BYTES}'s
 * default, so image-sized records go through, and transactions may last up to the Kafka default of 15 minutes.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    /** The broker's own user on a SASL broker, a super user: the broker and controller log in as it, and so does {@link #admin()}. */
    public static final String ADMIN = "admin";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final Path logDir;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    /** What {@link #admin()} logs in with: empty on a plaintext broker. */
    private final Map<String, String> adminLogin;

    private EmbeddedKafka(Path logDir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers,
                          Map<String, String> adminLogin) {
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.adminLogin = adminLogin;
    }

    /**
     * The users of a broker that authenticates: name to password, SASL/PLAIN. The broker adds its own
     * {@value #ADMIN} with a random password. {@code superUsers} may do anything; everyone else only what an ACL
     * allows.
     */
    public record Sasl(Map<String, String> users, Set<String> superUsers) {
        public Sasl {
            users = Map.copyOf(users);
            superUsers = Set.copyOf(superUsers);
            users.forEach((name, password) -> {
                // both go into the broker's JAAS line: a name is an option name there, a password a quoted string
                if (!USER_NAME.matcher(name).matches() || name.equals(ADMIN)) {
                    throw new IllegalArgumentException("SASL user name '" + name + "': use letters, digits, '_' and"
                            + " '-' only, and not '" + ADMIN + "' (the broker's own user)");
                }
                if (password.isEmpty() || password.contains("\"") || password.contains("\\")) {
                    throw new IllegalArgumentException("the password of SASL user '" + name + "' must be non-empty"
                            + " and hold neither '\"' nor '\\'");
                }
            });
            if (!users.keySet().containsAll(superUsers)) {
                throw new IllegalArgumentException("super users " + superUsers + " must be among the users " + users.keySet());
            }
        }
    }

    /**
     * The Kafka client properties that log in to a SASL broker as {@code user}: {@code security.protocol},
     * {@code sasl.mechanism}, {@code sasl.jaas.config}.
     */
    public static Map<String, String> saslLogin(String user, String password) {
        return Map.of(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, PLAIN,
                SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName() + " required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    private static final String PLAIN = "PLAIN";

    /** Formats a fresh log directory and starts a plaintext broker; returns once it accepts clients. */
    public static EmbeddedKafka start() {
        return start(null);
    }

    /**
     * Formats a fresh log directory and starts the broker, with {@code sasl} (null: plaintext, no authorization);
     * returns once it accepts clients.
     */
    public static EmbeddedKafka start(Sasl sasl) {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("embedded-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the embedded broker's log directory", e);
        }
        try {
            return start(logDir, freePort(), freePort(), true, sasl);
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
        return start(logDir, brokerPort, controllerPort, false, null);
    }

    private static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort, boolean fresh, Sasl sasl) {
        try {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", String.valueOf(NODE_ID));
            p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
            String protocol = sasl == null ? SecurityProtocol.PLAINTEXT.name : SecurityProtocol.SASL_PLAINTEXT.name;
            p.put("listeners", protocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", protocol + "://127.0.0.1:" + brokerPort);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", protocol);
            p.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:" + protocol);
            Map<String, String> adminLogin = Map.of();
            if (sasl != null) {
                String adminPassword = UUID.randomUUID().toString();
                adminLogin = saslLogin(ADMIN, adminPassword);
                secure(p, protocol, sasl, adminPassword);
            }
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
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, fresh, server, "127.0.0.1:" + brokerPort, adminLogin);
            kafka.awaitReady();
            LOG.info("embedded Kafka broker on {} ({}, log in {})", kafka.bootstrapServers, protocol, logDir);
            return kafka;
        } catch (Exception e) {
            if (fresh) {
                Directories.deleteRecursively(logDir);
            }
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /**
     * SASL/PLAIN on the broker's and the controller's listener (the controller's too: on a plaintext one the broker's
     * requests to the controller would come from User:ANONYMOUS, which would then have to be a super user), and the
     * KRaft authorizer.
     */
    private static void secure(Properties p, String protocol, Sasl sasl, String adminPassword) {
        StringBuilder jaas = new StringBuilder(PlainLoginModule.class.getName()).append(" required username=\"")
                .append(ADMIN).append("\" password=\"").append(adminPassword).append("\" user_").append(ADMIN)
                .append("=\"").append(adminPassword).append('"');
        sasl.users().forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
        jaas.append(';');
        for (String listener : List.of(protocol, "CONTROLLER")) {
            p.put("listener.name." + listener.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas.toString());
        }
        p.put("sasl.enabled.mechanisms", PLAIN);
        p.put("sasl.mechanism.inter.broker.protocol", PLAIN);
        p.put("sasl.mechanism.controller.protocol", PLAIN);
        p.put("authorizer.class.name", StandardAuthorizer.class.getName());
        p.put("super.users", Stream.concat(Stream.of(ADMIN), sasl.superUsers().stream().sorted())
                .map(u -> "User:" + u).collect(Collectors.joining(";")));
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

    /** The client properties that log in as {@value #ADMIN}, a super user: empty on a plaintext broker. */
    public Map<String, String> adminLogin() {
        return adminLogin;
    }

    /** An admin client; on a SASL broker logged in as {@value #ADMIN}. */
    public Admin admin() {
        Map<String, Object> config = new HashMap<>(adminLogin);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(config);
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

    /**
     * Creates {@code acls} and waits until the broker enforces them. The controller acknowledges an ACL once it is in
     * the metadata log, a moment before the broker's authorizer has it: a client allowed by an ACL created just
     * before was refused (TopicAuthorizationException) in one of a few test runs.
     */
    public void createAcls(Collection<AclBinding> acls) {
        try (Admin admin = admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // the broker answers describeAcls from its own authorizer
            while (!admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).containsAll(acls)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not apply the ACLs within 30 s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create ACLs " + acls + ": " + e.getMessage(), e);
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
