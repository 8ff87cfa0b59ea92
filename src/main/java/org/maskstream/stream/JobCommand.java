package org.maskstream.stream;

import org.maskstream.model.InvalidModelException;
import org.maskstream.util.DurationConverter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code maskstream job}: the edit-mask streaming job against a real Kafka. Under {@code flink run} it is submitted
 * to the cluster through {@link EditMaskJobMain}; run directly it runs in a local Flink. It lives with the job,
 * not in {@code cli}, so that the cluster entry point and the launcher share one parser.
 */
@Command(name = "job", mixinStandardHelpOptions = true,
        description = {"Runs the edit-mask streaming job: edit-requests -> masks (edit-masks), live IoU (edit-iou), "
                + "dead letters (edit-dlq).",
                "Under 'flink run -c org.maskstream.stream.EditMaskJobMain target/maskstream.jar ...' it runs on that "
                        + "cluster; started directly it runs in a local Flink inside this process.",
                "Settings come from the maskstream.* keys of the Flink configuration, then these options, then --conf.",
                "It switches to each model 'retrain' promotes (topic model-updates, one partition, created beforehand) and,"
                        + " with --conf maskstream.gather.store=DIR, gathers labeled requests into DIR for 'retrain'."})
public final class JobCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers, HOST:PORT[,HOST:PORT...] "
            + "(default: maskstream.bootstrap.servers, localhost:9092).")
    String bootstrapServers;

    @Option(names = "--model", description = "Model folder written by 'train' (a path or file: URI), served until a "
            + "model update arrives. Required unless maskstream.model is configured.")
    String model;

    @Option(names = "--parallelism", description = "Job parallelism (default: the cluster's).")
    Integer parallelism;

    @Option(names = "--batch-size", description = "Most requests per forward pass (default: 8).")
    Integer batchSize;

    @Option(names = "--batch-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest wait for a batch to fill, e.g. 20ms (default: 20ms).")
    Duration batchWait;

    @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "IoU window size, e.g. 30s or 1m (default: 1m).")
    Duration window;

    @Option(names = "--delivery", description = "exactly-once (default) or at-least-once.")
    String delivery;

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Any configuration key (see the README's "
            + "Configuration section), e.g. --conf maskstream.topic.requests=my-requests. Repeatable.")
    Map<String, String> conf = new LinkedHashMap<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * The job's configuration: Flink's maskstream.* keys, then the options, then --conf.
     *
     * @throws IllegalArgumentException naming the key that is missing, unknown or malformed
     */
    StreamConfig config(Map<String, String> flinkConfiguration) {
        Map<String, String> values = new LinkedHashMap<>(flinkConfiguration);
        put(values, StreamConfig.Key.BOOTSTRAP_SERVERS, bootstrapServers);
        put(values, StreamConfig.Key.MODEL, model);
        put(values, StreamConfig.Key.PARALLELISM, parallelism);
        put(values, StreamConfig.Key.BATCH_SIZE, batchSize);
        put(values, StreamConfig.Key.BATCH_WAIT_MS, batchWait == null ? null : batchWait.toMillis());
        put(values, StreamConfig.Key.WINDOW_MS, window == null ? null : window.toMillis());
        put(values, StreamConfig.Key.DELIVERY, delivery);
        values.putAll(kafkaConfig.asKeys());
        values.putAll(conf);
        StreamConfig config = StreamConfig.fromMap(values);
        EditMaskJob.modelFolder(config);
        return config;
    }

    private static void put(Map<String, String> values, StreamConfig.Key key, Object value) {
        if (value != null) {
            values.put(key.key(), String.valueOf(value));
        }
    }

    @Override
    public Integer call() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamConfig config;
        try {
            config = config(env.getConfiguration().toMap());
        } catch (IllegalArgumentException e) {
            // picocli prints a parameter error as a sentence plus the usage, and exits with status 2
            throw new CommandLine.ParameterException(spec.commandLine(),
                    e.getMessage() + " (see the README's Configuration section)", e);
        }
        EditMaskJob.configure(env, config);
        try {
            EditMaskJob.onKafka(env, config);
        } catch (InvalidModelException e) {
            // the initial model's version is read from its folder here, before anything is submitted
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        env.execute("maskstream edit-mask job");
        return 0;
    }
}
