package org.maskstream.deploy;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.maskstream.cli.Main;
import org.maskstream.stream.EditMaskJobMain;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.maskstream.deploy.ProjectFiles.at;
import static org.maskstream.deploy.ProjectFiles.map;
import static org.maskstream.deploy.ProjectFiles.strings;
import static org.maskstream.deploy.ProjectFiles.yaml;

/**
 * Every maskstream command line written in docker-compose.yml and k8s/ parses with the project's own parser,
 * names only topics that the topic setup creates and the broker the setup runs, and starts the class the jar's
 * manifest names, or, on a Flink cluster, {@link EditMaskJobMain}, which is the {@code job} command without the
 * launcher's {@code System.exit}.
 */
class DeploymentArgumentsTest {

    private static final String IMAGE = "maskstream:";
    private static final String WRAPPER = "/opt/maskstream/bin/maskstream";
    private static final String WRAPPER_UNLESS_EXISTS = "/opt/maskstream/bin/maskstream-unless-exists";

    /** One way the deployment starts maskstream. {@code mainClass} is null where a wrapper runs the jar. */
    record Invocation(String where, String mainClass, List<String> args, String marker, Set<String> topics,
                      String bootstrapServers) {
        @Override
        public String toString() {
            return where + ": " + String.join(" ", args);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCommandLineParsesAndNamesRealTopics() {
        List<Invocation> invocations = new ArrayList<>(composeInvocations());
        invocations.addAll(kubernetesInvocations());
        // compose: dataset, model, jobmanager, producer, retrain; k8s: job, dataset, train, retrain
        assertTrue(invocations.size() >= 9, "found only " + invocations);
        return invocations.stream().map(inv -> DynamicTest.dynamicTest(inv.toString(), () -> check(inv)));
    }

    @Test
    void composeAndKubernetesCreateTheSameTopicsTheJobNeedsWithItsMessageSize() {
        assertEquals(composeTopics(), kubernetesTopics());
        StreamConfig defaults = StreamConfig.fromMap(Map.of());
        assertTrue(composeTopics().containsAll(defaults.topics()), defaults.topics() + " vs " + composeTopics());

        String size = String.valueOf(StreamConfig.DEFAULT_MAX_MESSAGE_BYTES);
        Map<String, Object> services = map(yaml("docker-compose.yml").get("services"), "services");
        assertEquals(size, String.valueOf(at(services, "kafka", "environment", "KAFKA_MESSAGE_MAX_BYTES")));
        assertTrue(strings(at(services, "kafka-topics", "command"), "kafka-topics").get(0)
                .contains("max.message.bytes=" + size), "compose topics must take the job's record size");
        Map<String, Object> kafka = ProjectFiles.kubernetesResources("Kafka").get(0);
        assertEquals(size, String.valueOf(at(kafka, "spec", "kafka", "config", "message.max.bytes")));
        for (Map<String, Object> topic : ProjectFiles.kubernetesResources("KafkaTopic")) {
            assertEquals(size, String.valueOf(at(topic, "spec", "config", "max.message.bytes")),
                    String.valueOf(at(topic, "metadata", "name")));
        }
    }

    /** The cluster entry class prints the job command's help for --help: it is that command, parser included. */
    @Test
    void editMaskJobMainIsTheJobCommand() {
        StringWriter jobHelp = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(jobHelp));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        assertEquals(0, cl.execute("job", "--help"));

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            EditMaskJobMain.main(new String[] {"--help"});
        } finally {
            System.setOut(stdout);
        }
        assertEquals(jobHelp.toString(), printed.toString(StandardCharsets.UTF_8));
    }

    /** The subcommand an entry class runs its arguments with: none for the launcher, {@code job} for the job's. */
    private static List<String> commandOfEntryClass(String where, String mainClass) {
        if (mainClass.equals(ProjectFiles.manifestMainClass())) {
            return List.of();
        }
        if (mainClass.equals(EditMaskJobMain.class.getName())) {
            return List.of("job");
        }
        return fail(where + " starts " + mainClass + ", neither the jar's main class nor " + EditMaskJobMain.class.getName());
    }

    private static void check(Invocation invocation) {
        List<String> args = new ArrayList<>();
        if (invocation.mainClass() != null) {
            args.addAll(commandOfEntryClass(invocation.where(), invocation.mainClass()));
        }
        args.addAll(invocation.args());
        assertFalse(args.isEmpty(), invocation.where() + " passes no command");
        CommandLine subcommand = Main.commandLine().getSubcommands().get(args.get(0));
        assertNotNull(subcommand, invocation.where() + ": no subcommand '" + args.get(0) + "'");
        if (List.of("Not implemented yet.").equals(Arrays.asList(subcommand.getCommandSpec().usageMessage().description()))) {
            abort("'" + args.get(0) + "' is still a placeholder; checkable once it is implemented");
        }

        CommandLine parser = Main.commandLine();
        CommandLine.ParseResult parsed;
        try {
            parsed = parser.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(invocation.where() + ": '" + String.join(" ", args)
                    + "' does not parse: " + e.getMessage(), e);
        }
        CommandSpec command = parsed.subcommand().commandSpec();

        List<String> topicOptions = new ArrayList<>();
        for (OptionSpec option : command.options()) {
            String name = option.longestName();
            if (name.contains("topic")) {
                topicOptions.add(name);
                for (Object topic : values(option)) {
                    assertTrue(invocation.topics().contains(String.valueOf(topic)), invocation.where() + ": "
                            + name + " names topic '" + topic + "', not among " + invocation.topics());
                }
            }
            if (name.contains("bootstrap")) {
                assertEquals(invocation.bootstrapServers(), String.valueOf((Object) option.getValue()), invocation.where());
            }
        }
        if (invocation.marker() != null) {
            String out = String.valueOf((Object) command.findOption("--out").getValue());
            assertTrue(invocation.marker().startsWith(out + "/"),
                    invocation.where() + ": the skip marker " + invocation.marker() + " is not inside --out " + out);
        }
        OptionSpec conf = command.findOption("--conf");
        if (conf != null) {
            // the job's topics are configuration keys: defaults, overridden by --conf maskstream.topic.*=...
            Map<String, String> confValues = conf.getValue();
            List<String> jobTopics = StreamConfig.fromMap(confValues == null ? Map.of() : confValues).topics();
            assertTrue(invocation.topics().containsAll(jobTopics), invocation.where() + ": the job uses topics "
                    + jobTopics + ", the setup creates " + invocation.topics());
            topicOptions.add("--conf");
        }
        if (List.of("job", "produce", "tail").contains(command.name())) {
            assertFalse(topicOptions.isEmpty(), invocation.where() + ": '" + command.name()
                    + "' has no topic setting to check; update this test to where its topics are configured");
        }
    }

    private static Collection<?> values(OptionSpec option) {
        Object value = option.getValue();
        if (value == null) {
            return List.of();
        }
        return value instanceof Collection<?> many ? many : List.of(value);
    }

    // --- docker-compose.yml ---

    private static List<Invocation> composeInvocations() {
        Map<String, Object> services = map(yaml("docker-compose.yml").get("services"), "services");
        Set<String> topics = composeTopics();
        String bootstrap = advertisedInternalListener(services);
        List<Invocation> invocations = new ArrayList<>();
        services.forEach((name, value) -> {
            Map<String, Object> service = map(value, name);
            if (!String.valueOf(service.get("image")).startsWith(IMAGE)) {
                return;
            }
            String where = "docker-compose.yml service " + name;
            List<String> command = strings(service.get("command"), where + " command");
            Object entrypoint = service.get("entrypoint");
            if (entrypoint == null) {
                if (command.equals(List.of("taskmanager"))) {
                    return;
                }
                invocations.add(flinkApplication(where, command, topics, bootstrap));
            } else {
                invocations.add(wrapped(where, strings(entrypoint, where + " entrypoint"), command, topics, bootstrap));
            }
        });
        return invocations;
    }

    /** {@code standalone-job --job-classname CLASS ARGS...} as the Flink image's entrypoint takes it. */
    private static Invocation flinkApplication(String where, List<String> command, Set<String> topics, String bootstrap) {
        assertEquals("standalone-job", command.get(0), where + ": a Flink service must run the job in application mode");
        int classIndex = command.indexOf("--job-classname") + 1;
        assertTrue(classIndex > 0, where + " does not name --job-classname");
        return new Invocation(where, command.get(classIndex), command.subList(classIndex + 1, command.size()),
                null, topics, bootstrap);
    }

    private static Invocation wrapped(String where, List<String> entrypoint, List<String> args, Set<String> topics,
                                      String bootstrap) {
        if (entrypoint.equals(List.of(WRAPPER))) {
            return new Invocation(where, null, args, null, topics, bootstrap);
        }
        if (entrypoint.size() == 2 && entrypoint.get(0).equals(WRAPPER_UNLESS_EXISTS)) {
            return new Invocation(where, null, args, entrypoint.get(1), topics, bootstrap);
        }
        throw new AssertionError(where + ": unknown way to run maskstream: " + entrypoint);
    }

    private static Set<String> composeTopics() {
        Object spec = at(yaml("docker-compose.yml"), "services", "kafka-topics", "environment", "TOPICS");
        Set<String> topics = new LinkedHashSet<>();
        for (String nameAndPartitions : String.valueOf(spec).trim().split("\\s+")) {
            topics.add(nameAndPartitions.substring(0, nameAndPartitions.indexOf(':')));
        }
        return topics;
    }

    /** host:port of the broker listener that other containers use (the inter-broker one). */
    private static String advertisedInternalListener(Map<String, Object> services) {
        Map<String, Object> env = map(at(services, "kafka", "environment"), "kafka environment");
        String listenerName = String.valueOf(env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
        Matcher m = Pattern.compile(listenerName + "://([^,]+)").matcher(String.valueOf(env.get("KAFKA_ADVERTISED_LISTENERS")));
        assertTrue(m.find(), "no advertised listener " + listenerName);
        return m.group(1);
    }

    // --- k8s/ ---

    private static List<Invocation> kubernetesInvocations() {
        Set<String> topics = kubernetesTopics();
        String bootstrap = strimziBootstrap();
        List<Invocation> invocations = new ArrayList<>();

        for (Map<String, Object> deployment : ProjectFiles.kubernetesResources("FlinkDeployment")) {
            String where = "k8s FlinkDeployment " + at(deployment, "metadata", "name");
            Map<String, Object> job = map(at(deployment, "spec", "job"), where);
            assertEquals("local:///opt/flink/usrlib/" + ProjectFiles.jobJarFileName(), job.get("jarURI"), where);
            invocations.add(new Invocation(where, String.valueOf(job.get("entryClass")),
                    strings(job.get("args"), where + " args"), null, topics, bootstrap));
        }
        for (Map<String, Object> resource : ProjectFiles.kubernetesResources()) {
            Object podSpec = switch (String.valueOf(resource.get("kind"))) {
                case "Job" -> at(resource, "spec", "template", "spec");
                case "CronJob" -> at(resource, "spec", "jobTemplate", "spec", "template", "spec");
                default -> null;
            };
            if (podSpec == null) {
                continue;
            }
            for (String containerList : List.of("initContainers", "containers")) {
                Object containers = map(podSpec, "pod spec").get(containerList);
                if (containers == null) {
                    continue;
                }
                for (Object c : (List<?>) containers) {
                    Map<String, Object> container = map(c, "container");
                    if (!String.valueOf(container.get("image")).startsWith(IMAGE)) {
                        continue;
                    }
                    String where = "k8s " + resource.get("kind") + " " + at(resource, "metadata", "name")
                            + " container " + container.get("name");
                    invocations.add(wrapped(where, strings(container.get("command"), where + " command"),
                            strings(container.get("args"), where + " args"), topics, bootstrap));
                }
            }
        }
        return invocations;
    }

    private static Set<String> kubernetesTopics() {
        String cluster = String.valueOf(at(ProjectFiles.kubernetesResources("Kafka").get(0), "metadata", "name"));
        Set<String> topics = new LinkedHashSet<>();
        for (Map<String, Object> topic : ProjectFiles.kubernetesResources("KafkaTopic")) {
            assertEquals(cluster, at(topic, "metadata", "labels", "strimzi.io/cluster"),
                    "KafkaTopic " + at(topic, "metadata", "name") + " belongs to another Kafka");
            Object topicName = map(topic.get("spec"), "spec").get("topicName");
            topics.add(String.valueOf(topicName != null ? topicName : at(topic, "metadata", "name")));
        }
        return topics;
    }

    /** Strimzi's bootstrap service for the plain listener: {@code <cluster>-kafka-bootstrap:<port>}. */
    private static String strimziBootstrap() {
        Map<String, Object> kafka = ProjectFiles.kubernetesResources("Kafka").get(0);
        for (Object l : (List<?>) at(kafka, "spec", "kafka", "listeners")) {
            Map<String, Object> listener = map(l, "listener");
            if ("internal".equals(listener.get("type")) && Boolean.FALSE.equals(listener.get("tls"))) {
                return at(kafka, "metadata", "name") + "-kafka-bootstrap:" + listener.get("port");
            }
        }
        return fail("k8s/kafka.yaml has no plain internal listener");
    }
}
