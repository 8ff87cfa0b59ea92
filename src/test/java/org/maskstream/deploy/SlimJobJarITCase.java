package org.maskstream.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * target/maskstream-job.jar, the jar for {@code flink run} and application mode (the pom's job-jar shade execution),
 * holds the job and what the cluster does not provide, and nothing the cluster's lib/ loads: Flink's runtime in a job
 * jar is a second copy of classes the cluster already has, the embedded Kafka broker and Scala serve only the CLI,
 * and DJL must come from lib/ (parent-first, one native library per JVM). Runs after {@code package}.
 */
class SlimJobJarITCase {

    /** Folders that must not be inside the job jar, with why. */
    private static final List<String[]> FORBIDDEN = List.of(
            new String[] {"org/apache/flink/runtime/", "Flink's runtime: provided by the cluster"},
            new String[] {"org/apache/flink/streaming/api/environment/", "Flink's DataStream API: provided by the cluster"},
            new String[] {"org/apache/flink/client/", "Flink's client: provided by the cluster"},
            new String[] {"kafka/server/", "the Kafka broker: the CLI's embedded broker only"},
            new String[] {"kafka/log/", "the Kafka broker's log"},
            new String[] {"kafka/Kafka", "the Kafka broker's main class"},
            new String[] {"scala/", "Scala: comes only with the Kafka broker"},
            // org/apache/kafka/server/authorizer and policy are kafka-clients' own interfaces: allowed
            new String[] {"org/apache/kafka/server/common/", "the Kafka broker (kafka-server-common)"},
            new String[] {"org/apache/kafka/metadata/", "the Kafka broker's metadata"},
            new String[] {"org/apache/kafka/storage/", "the Kafka broker's storage"},
            new String[] {"org/apache/kafka/raft/", "the Kafka broker's KRaft"},
            new String[] {"org/apache/hadoop/", "Hadoop: makes Flink believe Hadoop is present; only import-magicbrush uses it"},
            new String[] {"org/apache/parquet/", "Parquet: only import-magicbrush"},
            new String[] {"ai/djl/", "DJL: loads from the cluster's lib/, parent-first"},
            new String[] {"pytorch/", "libtorch: in the cluster's lib/ with DJL"},
            new String[] {"native/lib/", "native libraries: in the cluster's lib/ with DJL"},
            new String[] {"org/apache/logging/log4j/core/", "log4j: the cluster's logging"});

    /** What the job needs and a Flink cluster does not have. */
    private static final List<String> REQUIRED = List.of(
            "org/maskstream/stream/EditMaskJobMain.class",
            "org/maskstream/stream/EditMaskJob.class",
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
            "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
            "org/apache/flink/formats/avro/typeutils/AvroTypeInfo.class",
            "org/apache/kafka/clients/consumer/KafkaConsumer.class",
            "org/apache/avro/Schema.class",
            "com/fasterxml/jackson/databind/ObjectMapper.class",
            "picocli/CommandLine.class");

    @Test
    void jobJarHoldsTheJobAndNoneOfWhatTheClusterProvides() throws IOException {
        Path jar = ProjectFiles.path("target/maskstream-job.jar");
        assumeFalse(Boolean.getBoolean("maven.shade.skip") && !Files.exists(jar),
                "the jars were not built (-Dmaven.shade.skip=true)");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run 'mvn package' (the job-jar shade execution)");

        Set<String> found = new TreeSet<>();
        Set<String> entries = new TreeSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            file.stream().map(ZipEntry::getName).forEach(entries::add);
        }
        for (String name : entries) {
            for (String[] forbidden : FORBIDDEN) {
                if (name.startsWith(forbidden[0])) {
                    found.add(name + " (" + forbidden[1] + ")");
                }
            }
        }
        assertEquals(Set.of(), found.stream().limit(20).collect(Collectors.toSet()),
                found.size() + " entries the job jar must not carry; fix the job-jar execution's includes in pom.xml");
        for (String required : REQUIRED) {
            assertTrue(entries.contains(required), jar + " lacks " + required + ": the job would not load on a cluster");
        }
        long megabytes = Files.size(jar) >> 20;
        // today about 21 MB (zstd-jni's natives are 7 MB of it); the CLI jar is about 470 MB
        assertTrue(megabytes < 60, jar + " is " + megabytes + " MB: something large got in");
    }
}
