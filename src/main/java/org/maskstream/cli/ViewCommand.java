package org.maskstream.cli;

import org.maskstream.stream.KafkaConfigOption;
import org.maskstream.stream.StreamConfig;
import org.maskstream.view.View;
import org.maskstream.view.ViewState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code maskstream view}: the live web page of a running job. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Serves a live web page of a running job, read from its topics (read_committed): the latest "
                + "results as photos with their masks, window IoU per model version, throughput and latency, dead "
                + "letters by kind and the model timeline (promotions, and with --registry refusals).",
                "Photos come from edit-requests, joined to results by id in a bounded cache. Everything is served from "
                        + "the jar: the page works without network access. Ctrl-C stops it."})
public final class ViewCommand implements Callable<Integer> {

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Mixin
    BrokerOption broker = new BrokerOption();

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A configuration key of the job (see the "
            + "README's Configuration section), e.g. --conf maskstream.topic.masks=my-masks. Repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--registry", description = "Retraining registry folder: its history adds refused and failed "
            + "attempts, with the gate's numbers, to the timeline.")
    Path registry;

    @Option(names = "--from-beginning", description = "Show the topics from their oldest records instead of from now "
            + "(model-updates is always read from its beginning).")
    boolean fromBeginning;

    @Option(names = "--results", defaultValue = "24", description = "Latest results shown (default: ${DEFAULT-VALUE}).")
    int results;

    @Option(names = "--photo-cache-mib", defaultValue = "64", description = "Memory for request photos waiting for "
            + "their result, MiB (default: ${DEFAULT-VALUE}).")
    long photoCacheMib;

    @Override
    public Integer call() throws Exception {
        if (registry != null && !Files.isDirectory(registry)) {
            throw new UserError("--registry " + registry + " is not a folder");
        }
        if (results < 1 || results > 500) {
            throw new UserError("--results must be between 1 and 500, got " + results);
        }
        if (photoCacheMib < 0) {
            throw new UserError("--photo-cache-mib must not be negative, got " + photoCacheMib);
        }
        if (port < 0 || port > 65535) {
            throw new UserError("--port must be between 0 and 65535, got " + port);
        }
        StreamConfig config;
        try {
            // as for job: the file's properties, then --conf
            Map<String, String> values = new LinkedHashMap<>(kafkaConfig.asKeys());
            values.putAll(conf);
            values.putIfAbsent(StreamConfig.Key.BOOTSTRAP_SERVERS.key(), broker.servers);
            config = StreamConfig.fromMap(values);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + " (see 'maskstream view --help')");
        }
        ViewState.Limits d = ViewState.Limits.DEFAULT;
        ViewState.Limits limits = new ViewState.Limits(results, photoCacheMib << 20, d.pendingResults(), d.iouPoints(),
                d.versions(), d.deadLettersPerKind(), d.timelineEvents());
        View view;
        try {
            view = View.start(config, new View.Options(host, port, registry, fromBeginning, limits));
        } catch (RuntimeException e) {
            throw new UserError("cannot serve the view on " + host + ":" + port + ": " + e.getMessage()
                    + " (is the port taken? try --port 0)", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                view.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "view-shutdown"));
        System.out.println("view of " + config.bootstrapServers() + " on " + view.url() + " (Ctrl-C stops)");
        stopped.await();
        return 0;
    }
}
