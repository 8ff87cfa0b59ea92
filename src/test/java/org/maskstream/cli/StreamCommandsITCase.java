package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.maskstream.stream.EmbeddedKafkaExtension;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code produce} writes a dataset to a real broker and {@code tail} reads it back, one line per record. */
class StreamCommandsITCase {
    private static final Path SAMPLE = Path.of("..", "shared", "data", "magicbrush-sample");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void produceThenTailTheRequests() {
        assumeTrue(Files.isDirectory(SAMPLE), "../shared/data/magicbrush-sample is absent: skipping");
        String servers = KAFKA.broker().bootstrapServers();
        KAFKA.broker().createTopics(StreamConfig.builder().build(), 1, List.of("cli-requests"));

        CommandLine produce = Main.commandLine();
        assertEquals(0, produce.execute("produce", "--bootstrap-servers", servers, "--data", SAMPLE.toString(),
                "--topic", "cli-requests", "--count", "3", "--rate", "50"));

        StringWriter out = new StringWriter();
        CommandLine tail = Main.commandLine();
        tail.setOut(new PrintWriter(out));
        assertEquals(0, tail.execute("tail", "--bootstrap-servers", servers, "--topic", "cli-requests",
                "--type", "requests", "--from-beginning", "--max", "3"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(3, lines.size(), out.toString());
        lines.forEach(l -> assertTrue(l.contains("labeled=yes") && l.contains("instruction=\""), l));
    }
}
