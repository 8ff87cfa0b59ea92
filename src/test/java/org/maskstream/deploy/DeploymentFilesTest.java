package org.maskstream.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.maskstream.deploy.ProjectFiles.at;
import static org.maskstream.deploy.ProjectFiles.map;
import static org.maskstream.deploy.ProjectFiles.path;
import static org.maskstream.deploy.ProjectFiles.strings;
import static org.maskstream.deploy.ProjectFiles.yaml;

/** The deployment files parse, and say what the cluster needs (checked with Flink's own loader where it applies). */
class DeploymentFilesTest {

    /** flink-conf/config.yaml keys that the Kubernetes operator's config must repeat (see its [k8s] markers). */
    private static final List<String> KEYS_REPEATED_ON_KUBERNETES = List.of(
            "classloader.", "env.java.opts.", "execution.", "state.", "restart-strategy.", "metrics.",
            "taskmanager.numberOfTaskSlots", "taskmanager.memory.task.off-heap.size",
            "taskmanager.memory.managed.fraction");

    @Test
    void everyYamlFileParses() {
        List<Path> files = ProjectFiles.yamlFiles();
        // compose, flink-conf, 7 k8s files, prometheus, 2 grafana provisioning files
        assertTrue(files.size() >= 12, "expected the whole deployment, found only " + files);
        for (Path file : files) {
            assertFalse(ProjectFiles.yamlDocuments(file).isEmpty(), file + " holds no YAML document");
        }
    }

    @Test
    void flinkConfigLoadsWithFlinksLoaderAndSaysWhatTheJobNeeds() {
        Configuration conf = flinkConf();

        assertTrue(conf.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL).contains("ai.djl."),
                "DJL must load parent-first (JNI can be loaded once per JVM)");
        assertTrue(conf.get(CoreOptions.FLINK_JVM_OPTIONS).contains("-Dai.djl.offline=true"));

        Duration interval = conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        assertNotNull(interval, "checkpointing must be on (the exactly-once Kafka sink commits on checkpoints)");
        assertTrue(interval.compareTo(Duration.ofMinutes(1)) <= 0, "results wait for the checkpoint: " + interval);
        assertEquals(CheckpointingMode.EXACTLY_ONCE, conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:///data/flink/"));
        assertTrue(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY).startsWith("file:///data/flink/"));

        assertBoundedRestarts(conf);

        assertTrue(conf.get(MetricOptions.REPORTERS_LIST).contains("prom"));
        assertEquals(PrometheusReporterFactory.class.getName(), conf.get(
                ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue()));
        assertEquals(9249, conf.get(ConfigOptions.key("metrics.reporter.prom.port").intType().noDefaultValue()));
    }

    private static void assertBoundedRestarts(Configuration conf) {
        String type = conf.get(RestartStrategyOptions.RESTART_STRATEGY);
        switch (type) {
            case "fixed-delay" -> assertTrue(
                    conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS) < 100);
            case "failure-rate" -> {
                assertTrue(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL) < 10);
                // a failure every few seconds (e.g. a model that cannot load) must exceed the rate
                Duration interval = conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL);
                Duration delay = conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY);
                long restartsPerInterval = interval.toMillis() / Math.max(1, delay.toMillis());
                assertTrue(restartsPerInterval
                                > conf.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL),
                        "a job failing at once on every restart would never exceed the failure rate");
            }
            default -> fail("restart strategy '" + type + "' is not a bounded one (fixed-delay or failure-rate)");
        }
    }

    @Test
    void kubernetesRepeatsTheClusterKeysOfFlinkConf() {
        Configuration fromFile = flinkConf();
        Map<String, Object> deployment = ProjectFiles.kubernetesResources("FlinkDeployment").get(0);
        Map<String, String> operatorConfig = new LinkedHashMap<>();
        map(at(deployment, "spec", "flinkConfiguration"), "flinkConfiguration")
                .forEach((key, value) -> operatorConfig.put(key, String.valueOf(value)));
        Configuration onKubernetes = Configuration.fromMap(operatorConfig);

        List<String> checked = new ArrayList<>();
        for (String key : fromFile.keySet()) {
            if (KEYS_REPEATED_ON_KUBERNETES.stream().noneMatch(key::startsWith)) {
                continue;
            }
            assertTrue(operatorConfig.containsKey(key), "k8s/flink-deployment.yaml lacks " + key);
            // compared as Flink reads them: a YAML list and "a;b" are the same list
            var option = ConfigOptions.key(key).stringType().asList().noDefaultValue();
            assertEquals(fromFile.get(option), onKubernetes.get(option), key);
            checked.add(key);
        }
        assertTrue(checked.contains("classloader.parent-first-patterns.additional"), "checked: " + checked);
        assertTrue(checked.contains("restart-strategy.type"), "checked: " + checked);
        assertEquals("kubernetes", operatorConfig.get("high-availability.type"));
        assertTrue(operatorConfig.get("high-availability.storageDir").startsWith("file:///data/"));
    }

    @Test
    void imageIsThePinnedFlinkWithDjlTheJobJarAndTheConfig() {
        String dockerfile = ProjectFiles.read("Dockerfile");
        List<String> froms = matches(dockerfile, "(?m)^FROM (?:--platform=\\S+ )?(\\S+)");
        assertEquals("flink:" + ProjectFiles.pomProperty("flink.version") + "-java17", froms.get(froms.size() - 1),
                "the runtime image must be the Flink version the job is built against");
        assertTrue(dockerfile.contains("/src/target/" + ProjectFiles.jobJarFileName() + " /opt/flink/usrlib/"),
                "application mode runs the slim job jar");
        assertTrue(dockerfile.contains("/src/target/" + ProjectFiles.jarFileName() + " /opt/maskstream/"),
                "the command services run the CLI jar");
        assertTrue(ProjectFiles.read("deploy/docker/maskstream").contains("/opt/maskstream/" + ProjectFiles.jarFileName()));
        // pytorch-native-cpu and onnxruntime in the image are x86-64 builds
        for (String from : froms) {
            assertTrue(dockerfile.contains("FROM --platform=linux/amd64 " + from), from);
        }
        assertTrue(dockerfile.contains("flink-conf/config.yaml /opt/flink/conf/config.yaml"));
        assertTrue(dockerfile.contains("/djl/lib/ /opt/flink/lib/"), "DJL's jars belong on Flink's parent class path");

        Map<String, String> env = DjlImageEnvironment.of(dockerfile);
        assertEquals("true", env.get("DJL_OFFLINE"));
        assertTrue(env.get("PYTORCH_LIBRARY_PATH").startsWith(DjlImageEnvironment.NATIVE_DIR + "/"));
        assertTrue(env.get("RUST_LIBRARY_PATH").startsWith(DjlImageEnvironment.NATIVE_DIR + "/"));
        assertTrue(dockerfile.contains("deploy/djl-native-libs.sh /djl/lib /djl/native"));
        assertTrue(dockerfile.contains("/djl/native/ " + DjlImageEnvironment.NATIVE_DIR + "/"));
        // the command wrappers used by docker-compose.yml and k8s/ are in the image
        for (String wrapper : List.of("maskstream", "maskstream-unless-exists")) {
            assertTrue(Files.isExecutable(path("deploy/docker/" + wrapper)), wrapper);
            assertTrue(dockerfile.contains("deploy/docker/" + wrapper), wrapper + " is not copied into the image");
        }
    }

    @Test
    void composeRunsThePinnedKafkaAndMountsTheCheckpointVolume() {
        Map<String, Object> compose = yaml("docker-compose.yml");
        Map<String, Object> services = map(compose.get("services"), "services");
        assertEquals("apache/kafka:" + ProjectFiles.pomProperty("kafka.version"), at(services, "kafka", "image"));

        String checkpointVolume = "flink-data:/data/flink";
        for (String flinkProcess : List.of("jobmanager", "taskmanager")) {
            assertTrue(strings(at(services, flinkProcess, "volumes"), flinkProcess).contains(checkpointVolume),
                    flinkProcess + " must see the checkpoint directory of flink-conf");
        }
        Map<String, Object> volumes = map(compose.get("volumes"), "volumes");
        for (Object service : services.values()) {
            Object mounts = map(service, "service").get("volumes");
            if (mounts == null) {
                continue;
            }
            for (String mount : strings(mounts, "volumes")) {
                String source = mount.substring(0, mount.indexOf(':'));
                assertTrue(source.startsWith("./") || volumes.containsKey(source), "undeclared volume " + source);
                if (source.startsWith("./")) {
                    assertTrue(Files.exists(path(source)), "missing " + source);
                }
            }
        }
    }

    @Test
    void composeKeepsKafkasLogInItsVolumeAndBuildsForTheNativesPlatform() {
        Map<String, Object> services = map(yaml("docker-compose.yml").get("services"), "services");
        Map<String, Object> env = map(at(services, "kafka", "environment"), "kafka environment");
        String logDir = String.valueOf(env.get("KAFKA_LOG_DIRS"));
        assertTrue(strings(at(services, "kafka", "volumes"), "kafka volumes").stream()
                        .anyMatch(mount -> mount.startsWith("kafka-data:") && logDir.equals(mount.split(":")[1])),
                "KAFKA_LOG_DIRS (" + logDir + ") must be the kafka-data volume's mount point, or topics vanish with the container");
        for (String service : List.of("jobmanager", "taskmanager", "producer", "retrain")) {
            assertEquals("linux/amd64", at(services, service, "platform"), service);
        }
    }

    @Test
    void strimziResourcesUseTheV1Api() {
        List<Map<String, Object>> strimzi = ProjectFiles.kubernetesResources().stream()
                .filter(r -> String.valueOf(r.get("apiVersion")).startsWith("kafka.strimzi.io/")).toList();
        assertTrue(strimzi.size() >= 3, "expected the node pool, the Kafka and its topics: " + strimzi.size());
        for (Map<String, Object> resource : strimzi) {
            assertEquals("kafka.strimzi.io/v1", resource.get("apiVersion"), resource.get("kind") + " "
                    + at(resource, "metadata", "name") + ": Strimzi 1.0 serves only v1");
        }
    }

    @Test
    void predictorThreadsOfATaskManagerFitItsCpus() {
        Map<String, Object> deployment = ProjectFiles.kubernetesResources("FlinkDeployment").get(0);
        Map<String, Object> conf = map(at(deployment, "spec", "flinkConfiguration"), "flinkConfiguration");
        int slots = Integer.parseInt(String.valueOf(conf.get("taskmanager.numberOfTaskSlots")));
        Matcher threads = Pattern.compile("-Dai\\.djl\\.pytorch\\.num_threads=(\\d+)")
                .matcher(String.valueOf(conf.get("env.java.opts.taskmanager")));
        assertTrue(threads.find(), "env.java.opts.taskmanager must bound libtorch's intra-op threads");
        double cpus = Double.parseDouble(String.valueOf(at(deployment, "spec", "taskManager", "resource", "cpu")));
        assertTrue(slots * Integer.parseInt(threads.group(1)) <= cpus, slots + " slots x " + threads.group(1)
                + " threads per predictor on " + cpus + " CPUs");
    }

    @Test
    void prometheusScrapesTheReporterPortAndGrafanaProvisionsTheDashboard() {
        Map<String, Object> prometheus = yaml("deploy/prometheus/prometheus.yml");
        String scraped = prometheus.toString();
        assertTrue(scraped.contains("jobmanager:9249") && scraped.contains("taskmanager"), scraped);
        assertTrue(scraped.contains("port=9249"), scraped);

        Map<String, Object> datasources = yaml("deploy/grafana/provisioning/datasources/prometheus.yml");
        Map<String, Object> datasource = map(((List<?>) datasources.get("datasources")).get(0), "datasource");
        assertEquals("http://prometheus:9090", datasource.get("url"));
        assertEquals(GrafanaDashboard.load().datasourceUids(), List.of(datasource.get("uid")),
                "every panel must use the provisioned datasource");

        Map<String, Object> dashboards = yaml("deploy/grafana/provisioning/dashboards/maskstream.yml");
        String dashboardDir = (String) at(((List<?>) dashboards.get("providers")).get(0), "options", "path");
        Map<String, Object> grafana = map(at(yaml("docker-compose.yml"), "services", "grafana"), "grafana");
        assertTrue(strings(grafana.get("volumes"), "grafana volumes").contains(
                "./deploy/grafana/dashboards:" + dashboardDir + ":ro"));
    }

    static Configuration flinkConf() {
        return GlobalConfiguration.loadConfiguration(path("flink-conf").toString());
    }

    private static List<String> matches(String text, String regex) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
