package org.maskstream.retrain;

import org.maskstream.events.ModelUpdatePublisher;
import org.maskstream.events.UpdateSignature;
import org.maskstream.data.Splits;
import org.maskstream.avro.ExampleSplit;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.data.Dataset;
import org.maskstream.data.DatasetException;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.data.GatheredStore;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.util.Directories;
import org.maskstream.train.Evaluator;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.TrainResult;
import org.maskstream.train.Trainer;
import org.maskstream.train.TrainingDivergedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One retraining attempt: read the gathered store (plus an optional base dataset replayed so the model does not
 * forget), fine-tune the promoted model for a bounded budget with the same {@link Trainer} as {@code train},
 * measure the promoted model and the candidate on the same validation split ({@link Splits}), and promote the
 * candidate only when its foreground IoU beats the promoted one's by more than the margin on a large enough split.
 * Promotion registers the candidate as a new immutable version, signs its {@link ModelUpdate} (the job serves no
 * update without the registry's signature, {@link UpdateSignature}), moves {@code CURRENT}, and only then publishes
 * the update: an update on the topic always names the promoted version. An update the broker did not acknowledge
 * stays in the registry ({@link ModelRegistry#unpublished}) and the next attempt publishes it first. Every attempt,
 * whatever its outcome, leaves a line in the registry's history.
 */
public final class Retrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);
    /** Warm-up of a fine-tuning run: short, since it starts from trained parameters. */
    private static final int WARMUP_STEPS = 10;
    /** A fine-tuning whose loss stops being finite starts again at half the learning rate, this many times. */
    private static final int DIVERGED_RETRIES = 2;

    private final ModelRegistry registry;
    private final URI store;
    private final Path base;
    private final RetrainOptions options;
    private final Consumer<ModelUpdate> publisher;
    private final UpdateSignature signature;

    /**
     * @param store     the gathered store (local path URI or any Flink file system URI)
     * @param base      a dataset folder whose labeled examples are replayed in training, or null
     * @param publisher sends the update of a promoted version (e.g. {@link ModelUpdatePublisher#publish}); throws
     *                  when the broker did not take it
     * @param signature the key shared with the job ({@code maskstream.model.signing-key-file})
     */
    public Retrainer(ModelRegistry registry, URI store, Path base, RetrainOptions options,
                     Consumer<ModelUpdate> publisher, UpdateSignature signature) {
        this.registry = registry;
        this.store = store;
        this.base = base;
        this.options = options;
        this.publisher = publisher;
        this.signature = signature;
    }

    /**
     * Registers and promotes {@code modelDir} as the first version of an empty registry (not published: the job
     * starts with it).
     *
     * @throws IllegalStateException when the registry already has a promoted version
     */
    public static RegisteredModel seed(ModelRegistry registry, Path modelDir) {
        registry.current().ifPresent(c -> {
            throw new IllegalStateException("the registry " + registry.dir() + " already serves " + c.version()
                    + ": an initial model is only for an empty registry");
        });
        RegisteredModel first = registry.register(modelDir);
        registry.promote(first);
        registry.record(new Attempt(Instant.now().toString(), Attempt.Outcome.PROMOTED, first.version(), null,
                first.sha256(), null, 0, null, null, 0, null, "initial model, copied from " + modelDir));
        return first;
    }

    /** Runs one attempt under the registry's lock and returns what it recorded. */
    public Attempt runOnce() throws Exception {
        try (AutoCloseable ignored = registry.lock()) {
            registry.clearStaging();
            registry.unpublished().ifPresent(this::publishAgain);
            RegisteredModel current = registry.current().orElseThrow(() -> new IllegalStateException("the registry "
                    + registry.dir() + " has no promoted model: seed it with an initial model (retrain --initial DIR)"));
            Attempt attempt;
            try {
                attempt = attempt(current);
            } catch (RuntimeException e) {
                LOG.error("retrain attempt failed", e);
                attempt = new Builder(current, 0, 0).failed("unexpected error: " + e);
            }
            registry.record(attempt);
            LOG.info("retrain attempt: {} {}: {}", attempt.outcome(),
                    attempt.version() == null ? "" : attempt.version(), attempt.reason());
            return attempt;
        }
    }

    private Attempt attempt(RegisteredModel current) {
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        Dataset gathered;
        try {
            gathered = GatheredStore.read(store, true);
        } catch (DatasetException e) {
            return new Builder(current, 0, 0).refused("nothing to train on yet: " + e.getMessage());
        }
        gathered.warnings().forEach(w -> LOG.warn("skipped in the store: {}", w));
        for (Example e : gathered.examples()) {
            (Splits.of(e.id()) == ExampleSplit.VALIDATION ? validation : train).add(e);
        }
        if (base != null) {
            DatasetReader.read(base, true).examples().stream().filter(Example::labeled).forEach(train::add);
        }
        Builder a = new Builder(current, train.size(), validation.size());
        if (validation.size() < options.minValidation()) {
            return a.refused("the validation split has " + validation.size() + " examples, fewer than the "
                    + options.minValidation() + " the gate needs: gather more labeled events");
        }
        if (train.isEmpty()) {
            return a.refused("no training examples: the store's train split is empty and there is no base dataset");
        }
        Path staging = registry.newStagingDir();
        try {
            TrainResult trained = null;
            float learningRate = options.learningRate();
            for (int retry = 0; trained == null; retry++) {
                try {
                    trained = Trainer.train(train, List.of(), trainOptions(current, learningRate), staging);
                } catch (TrainingDivergedException e) {
                    if (retry == DIVERGED_RETRIES) {
                        return a.failed("fine-tuning diverged " + (retry + 1) + " times, last at learning rate "
                                + learningRate + ": " + e.getMessage());
                    }
                    LOG.warn("fine-tuning diverged at learning rate {}; starting again at half of it", learningRate);
                    learningRate /= 2;
                }
            }
            a.trainSeconds = trained.seconds();
            a.current = evaluate(current.dir(), validation);
            a.candidate = evaluate(staging, validation);
            double gain = a.candidate.fgIou() - a.current.fgIou();
            if (!(gain > options.margin())) {
                return a.refused(String.format(Locale.ROOT, "the candidate's validation fg IoU %.4f does not beat the"
                                + " current %s's %.4f by more than the margin %.4f (gain %+.4f)",
                        a.candidate.fgIou(), current.version(), a.current.fgIou(), options.margin(), gain));
            }
            RegisteredModel promoted = registry.register(staging);
            a.registered = promoted;
            ModelUpdate update = signature.sign(update(promoted, current, validation.size(), a));
            registry.promote(promoted, update);
            String reason = String.format(Locale.ROOT, "the candidate's validation fg IoU %.4f beats the current"
                            + " %s's %.4f by %+.4f (margin %.4f)", a.candidate.fgIou(), current.version(),
                    a.current.fgIou(), gain, options.margin());
            try {
                publisher.accept(update);
            } catch (RuntimeException e) {
                LOG.warn("model update {} not published", promoted.version(), e);
                return a.promoted(reason + "; its model update is not published yet (" + e.getMessage() + "): the"
                        + " job serves " + current.version() + " until the next retrain attempt publishes it");
            }
            registry.published(update);
            return a.promoted(reason);
        } finally {
            Directories.deleteRecursively(staging);
        }
    }

    /** Publishes the promoted version's update a previous attempt could not; a failure leaves it for the next. */
    private void publishAgain(ModelUpdate update) {
        try {
            publisher.accept(update);
            registry.published(update);
            LOG.info("published model update {}, which an earlier attempt promoted but could not publish",
                    update.getVersion());
        } catch (RuntimeException e) {
            LOG.warn("model update {} is still not published; the next attempt tries again", update.getVersion(), e);
        }
    }

    private TrainOptions trainOptions(RegisteredModel current, float learningRate) {
        return fineTuning(current.dir(), options, learningRate).build();
    }

    /** How an attempt fine-tunes the model in {@code current}; the rest are the {@code train} defaults. */
    public static TrainOptions.Builder fineTuning(Path current, RetrainOptions options, float learningRate) {
        return TrainOptions.builder()
                .initFrom(current)
                .epochs(options.epochs())
                .batchSize(options.batchSize())
                .learningRate(learningRate)
                .warmupSteps(WARMUP_STEPS)
                .seed(options.seed())
                .timeLimit(options.budget())
                .checkpoints(false)
                .progress(options.progress());
    }

    private static Attempt.Metrics evaluate(Path modelDir, List<Example> validation) {
        try (MaskModel model = SavedModel.load(modelDir)) {
            return Attempt.Metrics.of(Evaluator.evaluate(model, validation));
        }
    }

    private ModelUpdate update(RegisteredModel promoted, RegisteredModel current, int validationExamples,
                               Builder a) {
        return ModelUpdate.newBuilder()
                .setVersion(promoted.version())
                .setUri(promoted.uri())
                .setSha256(promoted.sha256())
                .setPromotedAt(Instant.now())
                .setPreviousVersion(current.version())
                .setValidationExamples(validationExamples)
                .setCandidate(a.candidate.toAvro())
                .setPrevious(a.current.toAvro())
                .setManifest(promoted.manifest())
                .build();
    }

    /** What an attempt found so far; each outcome method makes the history line. */
    private final class Builder {
        private final RegisteredModel serving;
        private final int trainExamples;
        private final int validationExamples;
        private Double trainSeconds;
        private Attempt.Metrics current;
        private Attempt.Metrics candidate;
        private RegisteredModel registered;

        Builder(RegisteredModel serving, int trainExamples, int validationExamples) {
            this.serving = serving;
            this.trainExamples = trainExamples;
            this.validationExamples = validationExamples;
        }

        Attempt promoted(String reason) {
            return make(Attempt.Outcome.PROMOTED, reason);
        }

        Attempt refused(String reason) {
            return make(Attempt.Outcome.REFUSED, reason);
        }

        Attempt failed(String reason) {
            return make(Attempt.Outcome.FAILED, reason);
        }

        private Attempt make(Attempt.Outcome outcome, String reason) {
            return new Attempt(Instant.now().toString(), outcome, registered == null ? null : registered.version(),
                    serving.version(), registered == null ? null : registered.sha256(),
                    trainSeconds == null ? null : trainExamples, validationExamples, current, candidate,
                    options.margin(), trainSeconds, reason);
        }
    }
}
