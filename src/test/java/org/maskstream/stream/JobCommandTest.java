package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobCommandTest {

    private static JobCommand parse(String... args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
        return (JobCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void optionsOverrideTheFlinkConfigurationAndConfOverridesBoth() {
        JobCommand job = parse("job", "--bootstrap-servers", "kafka:9092", "--model", "/models/a", "--batch-size", "16",
                "--delivery", "at-least-once", "--conf", "maskstream.topic.requests=in", "--conf",
                "maskstream.batch.wait-ms=5");
        StreamConfig config = job.config(Map.of("maskstream.batch.size", "4", "maskstream.window.ms", "5000",
                "taskmanager.numberOfTaskSlots", "2"));
        assertEquals("kafka:9092", config.bootstrapServers());
        assertEquals("/models/a", config.model());
        assertEquals(16, config.batchSize());
        assertEquals(5, config.batchWait().toMillis());
        assertEquals(5000, config.window().toMillis());
        assertEquals("in", config.requestsTopic());
        assertEquals(StreamConfig.Delivery.AT_LEAST_ONCE, config.delivery());
    }

    @Test
    void aMissingModelOrAnUnknownKeyIsAUserError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("job").config(Map.of())).getMessage()
                .contains("maskstream.model"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("job", "--model", "m", "--conf",
                "maskstream.nope=1").config(Map.of())).getMessage().contains("unknown configuration key"));
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("job", "--model", "m", "--conf", "maskstream.nope=1"));
        assertTrue(err.toString().contains("unknown configuration key"), err.toString());
    }

    @Test
    void aModelFolderThatIsNotASavedModelIsAUserErrorBeforeAnythingRuns(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        String missing = dir.resolve("missing").toString();
        assertEquals(2, cl.execute("job", "--model", missing));
        assertTrue(err.toString().contains("model folder " + missing + " does not exist"), err.toString());
    }

    @Test
    void aKafkaConfigFileSetsClientPropertiesAndConfOverridesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
        StreamConfig config = parse("job", "--model", "m", "--kafka-config", file.toString(), "--conf",
                "maskstream.kafka.sasl.mechanism=SCRAM-SHA-256").config(Map.of());
        assertEquals(Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256"),
                config.kafkaProperties());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("job", "--model", "m", "--kafka-config",
                dir.resolve("missing").toString()).config(Map.of())).getMessage().contains("missing"));
    }
}
