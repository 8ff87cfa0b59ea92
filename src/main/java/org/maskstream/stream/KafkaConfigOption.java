package org.maskstream.stream;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** {@code --kafka-config FILE}: Kafka client properties for every client a command creates. */
public final class KafkaConfigOption {
    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties file (Kafka's "
            + "convention: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location...) for every "
            + "Kafka client this command creates; the same as maskstream.kafka.* keys. Values are never printed.")
    Path file;

    /** The file as given, for messages. */
    public Path file() {
        return file;
    }

    /** The file's properties, empty without the option. */
    public Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the Kafka client properties in " + file + ": "
                    + e.getMessage() + " (--kafka-config names a Java properties file)", e);
        }
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** The file's properties as {@code maskstream.kafka.*} keys, for commands that build their config from keys. */
    public Map<String, String> asKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        properties().forEach((k, v) -> out.put(StreamConfig.KAFKA_PREFIX + k, v));
        return out;
    }
}
