package org.maskstream.cli;

import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.demo.RatePacer;
import org.maskstream.demo.RequestProducer;
import org.maskstream.stream.StreamConfig;
import org.maskstream.util.ProgressBar;
import picocli.CommandLine.Command;
import org.maskstream.stream.KafkaConfigOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code maskstream produce}: streams a dataset folder to the request topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Streams the examples of a dataset folder to the edit-requests topic as EditRequest events "
                + "(labeled examples carry their mask, for live IoU), at a steady rate."})
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Mixin
    BrokerOption broker = new BrokerOption();

    @Option(names = "--data", required = true, description = "Dataset folder (manifest.jsonl layout) to stream.")
    Path data;

    @Option(names = "--rate", defaultValue = "10", description = "Events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", description = "Events to send, cycling through the dataset (default: each example once).")
    Integer count;

    @Option(names = "--topic", defaultValue = "edit-requests", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--no-masks", description = "Leave ground-truth masks out (unlabeled requests).")
    boolean noMasks;

    @Override
    public Integer call() throws Exception {
        if (!(rate > 0)) {
            throw new UserError("--rate must be positive, got " + rate);
        }
        List<Example> examples;
        try {
            Dataset dataset = DatasetReader.read(data, true);
            examples = dataset.examples();
            dataset.warnings().forEach(w -> System.err.println("warning: " + w));
        } catch (DatasetException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (examples.isEmpty()) {
            throw new UserError("the dataset in " + data + " has no readable examples");
        }
        int total = count != null ? count : examples.size();
        StreamConfig config = StreamConfig.builder().bootstrapServers(broker.servers)
                .set(StreamConfig.Key.TOPIC_REQUESTS, topic).kafka(kafkaConfig.properties()).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        RatePacer pacer = new RatePacer(rate);
        try (RequestProducer producer = new RequestProducer(config);
             ProgressBar bar = new ProgressBar(System.err, "produce", total)) {
            for (int i = 0; i < total; i++) {
                pacer.awaitNext();
                Example ex = examples.get(i % examples.size());
                producer.send(RequestProducer.toRequest(ex, ex.id() + "-" + run + "-" + i, Instant.now(), !noMasks));
                bar.step(1);
            }
            producer.flush();
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage() + " (is the broker at " + broker.servers + " up, and the topic there?)", e);
        }
        System.out.printf(Locale.ROOT, "sent %d requests from %s to %s on %s%n", total, data, topic, broker.servers);
        return 0;
    }
}
