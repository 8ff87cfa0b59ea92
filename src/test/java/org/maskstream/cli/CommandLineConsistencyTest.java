package org.maskstream.cli;

import org.maskstream.util.DurationConverter;
import org.junit.jupiter.api.Test;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One form for the same thing across every command: durations, and the broker when none is given. */
class CommandLineConsistencyTest {

    private static List<Map.Entry<String, OptionSpec>> options() {
        List<Map.Entry<String, OptionSpec>> out = new ArrayList<>();
        collect(Main.commandLine(), out);
        return out;
    }

    private static void collect(CommandLine command, List<Map.Entry<String, OptionSpec>> out) {
        command.getCommandSpec().options().forEach(o -> out.add(Map.entry(command.getCommandName(), o)));
        command.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    @Test
    void everyDurationIsADurationOption() {
        for (Map.Entry<String, OptionSpec> e : options()) {
            OptionSpec o = e.getValue();
            String name = o.longestName();
            assertTrue(!name.matches(".*-(ms|millis|seconds|minutes|hours)$"),
                    e.getKey() + " " + name + " takes a number of units: make it a DURATION (90s, 5m)");
            if (o.type() == Duration.class) {
                assertEquals("DURATION", o.paramLabel(), e.getKey() + " " + name);
            }
        }
    }

    @Test
    void everyKafkaCommandDefaultsToTheSameBroker() {
        List<String> commands = new ArrayList<>();
        for (Map.Entry<String, OptionSpec> e : options()) {
            if (e.getValue().longestName().equals("--bootstrap-servers") && !e.getKey().equals("job")) {
                commands.add(e.getKey());
                assertEquals(StreamConfig.DEFAULT_BOOTSTRAP_SERVERS, e.getValue().defaultValue(), e.getKey());
            }
        }
        // job takes its default from the Flink configuration, whose own default is the same broker
        assertEquals(StreamConfig.DEFAULT_BOOTSTRAP_SERVERS, StreamConfig.builder().build().bootstrapServers());
        assertEquals(List.of("produce", "retrain", "sql", "tail", "view"), commands.stream().sorted().toList());
    }

    @Test
    void everyCommandWithKafkaClientsTakesAKafkaConfig() {
        List<String> withConfig = new ArrayList<>();
        List<String> withBroker = new ArrayList<>();
        for (Map.Entry<String, OptionSpec> e : options()) {
            switch (e.getValue().longestName()) {
                case "--kafka-config" -> withConfig.add(e.getKey());
                // sql's tables carry their client properties in their WITH clause
                case "--bootstrap-servers" -> {
                    if (!e.getKey().equals("sql")) {
                        withBroker.add(e.getKey());
                    }
                }
                default -> { }
            }
        }
        assertTrue(withConfig.containsAll(withBroker), withBroker + " vs " + withConfig);
        // and the demo, whose broker is its own
        assertEquals(List.of("demo", "job", "produce", "retrain", "tail", "view"), withConfig.stream().sorted().toList());
    }

    @Test
    void durationsAreWrittenTheSameWayEverywhere() {
        DurationConverter converter = new DurationConverter();
        assertEquals(Duration.ofSeconds(90), converter.convert("90s"));
        assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(Duration.ofMillis(20), converter.convert("20ms"));
        CommandLine demo = Main.commandLine();
        demo.parseArgs("demo", "--duration", "75s");
        DemoCommand parsed = demo.getSubcommands().get("demo").getCommand();
        assertEquals(Duration.ofSeconds(75), parsed.duration);
    }
}
