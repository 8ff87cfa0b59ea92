package org.maskstream.cli;

import org.maskstream.stream.StreamConfig;
import picocli.CommandLine.Option;

/** {@code --bootstrap-servers}: the broker a command's Kafka clients talk to, one default for every command. */
final class BrokerOption {
    @Option(names = "--bootstrap-servers", defaultValue = StreamConfig.DEFAULT_BOOTSTRAP_SERVERS,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...] (default: ${DEFAULT-VALUE}).")
    String servers;
}
