package org.maskstream.cli;

import org.maskstream.util.DurationConverter;
import org.maskstream.model.InvalidModelException;
import org.maskstream.retrain.Attempt;
import org.maskstream.demo.BackgroundRetraining;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.events.ModelUpdatePublisher;
import org.maskstream.events.UpdateSignature;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainOptions;
import org.maskstream.retrain.Retrainer;
import org.maskstream.stream.StreamConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import org.maskstream.stream.KafkaConfigOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "retrain", mixinStandardHelpOptions = true,
        description = {"Fine-tunes the promoted model on the labeled events the job gathered, and promotes the result"
                + " to the running job (a ModelUpdate on the model-updates topic) only when it beats the promoted"
                + " model on the validation split.",
                "Every attempt is recorded in the registry's history.jsonl: promoted, refused or failed, with both"
                        + " models' metrics and the reason. With --once the exit status is 0 for promoted or refused,"
                        + " 1 for failed."})
public final class RetrainCommand implements Callable<Integer> {

    @Mixin
    KafkaConfigOption kafkaConfig = new KafkaConfigOption();

    @Option(names = "--store", required = true, paramLabel = "URI",
            description = "The training store the job gathers into (its maskstream.gather.store): a path or a Flink"
                    + " file system URI.")
    String store;

    @Option(names = "--registry", required = true, paramLabel = "DIR",
            description = "Model registry folder: versions/, CURRENT, history.jsonl (created when missing).")
    Path registry;

    @Mixin
    BrokerOption broker = new BrokerOption();

    @Option(names = "--topic", defaultValue = "model-updates", paramLabel = "TOPIC",
            description = "Topic of the model updates (the job's maskstream.topic.model-updates). Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--signing-key-file", required = true, paramLabel = "FILE",
            description = "File holding the key promotions are signed with: the job's maskstream.model.signing-key-file"
                    + " (a secret; at least " + UpdateSignature.MIN_KEY_BYTES + " bytes, e.g. 'openssl rand -hex 32')."
                    + " The job serves only updates signed with it.")
    Path signingKeyFile;

    @Option(names = "--initial", paramLabel = "DIR",
            description = "Seed an empty registry with this saved model (e.g. the one the job starts with) as v0001.")
    Path initial;

    @Option(names = "--base", paramLabel = "DIR",
            description = "A dataset folder replayed in every fine-tuning, so the model does not forget it.")
    Path base;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Schedule schedule;

    static final class Schedule {
        @Option(names = "--once", required = true, description = "Run one attempt and exit.")
        boolean once;

        @Option(names = "--every", required = true, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Run an attempt, then again this long after each one ends (e.g. 10m), until stopped.")
        Duration every;
    }

    @Option(names = "--budget", defaultValue = "2m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Fine-tuning time limit per attempt. Default: ${DEFAULT-VALUE}.")
    Duration budget;

    @Option(names = "--epochs", defaultValue = "5", description = "Most passes over the training examples. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", description = "Examples per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "3e-4", description = "Peak learning rate of the fine-tuning. Default: ${DEFAULT-VALUE}.")
    float learningRate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of shuffling and augmentation. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--margin", defaultValue = "0.01",
            description = "Promote only when the candidate's validation fg IoU beats the promoted model's by more than"
                    + " this. Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--min-validation", defaultValue = "20",
            description = "Fewest validation examples to decide on; fewer: refused without training. Default: ${DEFAULT-VALUE}.")
    int minValidation;

    @Override
    public Integer call() throws Exception {
        RetrainOptions options;
        try {
            options = new RetrainOptions(budget, epochs, batchSize, learningRate, seed, margin, minValidation, true);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (base != null && !Files.isDirectory(base)) {
            throw new UserError("--base " + base + " is not a folder: give a dataset folder or leave --base out");
        }
        UpdateSignature signature;
        try {
            signature = UpdateSignature.fromFile(signingKeyFile);
        } catch (RuntimeException e) {
            throw new UserError("--signing-key-file: " + e.getMessage());
        }
        ModelRegistry models = ModelRegistry.open(registry);
        if (initial != null) {
            try {
                RegisteredModel first = Retrainer.seed(models, initial);
                System.out.println("registered " + initial + " as " + first.version() + " (sha256 " + first.sha256() + ")");
            } catch (IllegalStateException | InvalidModelException e) {
                throw new UserError("--initial " + initial + ": " + e.getMessage());
            }
        }
        if (models.current().isEmpty()) {
            throw new UserError("the registry " + registry + " has no promoted model: seed it with the model the job"
                    + " starts with (--initial DIR)");
        }
        StreamConfig config = StreamConfig.builder().bootstrapServers(broker.servers)
                .set(StreamConfig.Key.TOPIC_MODEL_UPDATES, topic).kafka(kafkaConfig.properties()).build();
        try (ModelUpdatePublisher publisher = new ModelUpdatePublisher(config.kafka())) {
            Retrainer retrainer = new Retrainer(models, storeUri(), base, options, publisher::publish,
                    signature);
            if (schedule.once) {
                Attempt attempt;
                try {
                    attempt = retrainer.runOnce();
                } catch (IllegalStateException e) {
                    throw new UserError(e.getMessage());
                }
                print(attempt);
                return attempt.outcome() == Attempt.Outcome.FAILED ? 1 : 0;
            }
            try (BackgroundRetraining background = BackgroundRetraining.start(retrainer::runOnce, Duration.ZERO,
                    schedule.every, RetrainCommand::print)) {
                background.awaitStop();
            }
            return 0;
        }
    }

    private static void print(Attempt attempt) {
        System.out.println(attempt.time() + " " + attempt.outcome().name().toLowerCase(Locale.ROOT)
                + (attempt.version() == null ? "" : " " + attempt.version()) + ": " + attempt.reason());
    }

    private URI storeUri() {
        URI uri = URI.create(store);
        return uri.getScheme() == null ? Path.of(store).toAbsolutePath().toUri() : uri;
    }
}
