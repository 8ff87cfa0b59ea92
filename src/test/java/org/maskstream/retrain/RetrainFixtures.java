package org.maskstream.retrain;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.data.Example;
import org.maskstream.events.UpdateSignature;
import org.maskstream.data.Images;
import org.maskstream.model.TinyScenes;
import org.maskstream.util.Directories;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Data and models for the retraining tests, small enough for 2 cores: 32 px scenes of two shapes where the
 * instruction names one by colour or side ({@link TinyScenes}), a tiny network, seconds of training. A weak model
 * (one training step) and a good one (seconds of training) are trained once per test JVM into {@code target/}.
 */
public final class RetrainFixtures {
    public static final int SIZE = 32;
    private static final Path MODELS = Path.of("target", "retrain-test-models").toAbsolutePath();
    private static Path weak;
    private static Path good;
    private static Path signingKey;

    private RetrainFixtures() {
    }

    /** {@code count} scenes with ids {@code prefix-0...}, reproducible from {@code seed}. */
    public static List<Example> scenes(String prefix, int count, long seed) {
        return TinyScenes.generate(count, SIZE, seed).stream()
                .map(e -> new Example(prefix + "-" + e.id(), e.image(), e.instruction(), e.mask())).toList();
    }

    /** The edit request of a labeled example, as the job receives and gathers it. */
    public static EditRequest request(Example e, Instant eventTime) {
        return EditRequest.newBuilder().setId(e.id()).setEventTime(eventTime)
                .setImage(ByteBuffer.wrap(Images.encodePng(e.image()))).setInstruction(e.instruction())
                .setGroundTruthMask(e.mask() == null ? null : ByteBuffer.wrap(Images.encodePng(e.mask().toImage())))
                .setAttributes(Map.of()).build();
    }

    /** Writes a store part file as the job's file sink would commit it. */
    public static void writeStoreFile(Path file, List<Example> examples) {
        try {
            Files.createDirectories(file.getParent());
            try (DataFileWriter<EditRequest> w = new DataFileWriter<>(new SpecificDatumWriter<>(EditRequest.class))) {
                w.create(EditRequest.getClassSchema(), file.toFile());
                for (Example e : examples) {
                    w.append(request(e, Instant.EPOCH));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Architecture and schedule of every test model. */
    public static TrainOptions.Builder tiny() {
        return TrainOptions.builder().withoutRobustnessDefaults()
                .model(m -> m.inputSize(SIZE).dim(16).layers(1).heads(2).maxTokens(8)).batchSize(16)
                .warmupSteps(5).learningRate(1e-2f).flip(false).checkpoints(false).progress(false).seed(11);
    }

    /** A model after one training step: barely better than chance. */
    public static synchronized Path weakModel() {
        if (weak == null) {
            weak = train("weak", tiny().epochs(1).timeLimit(Duration.ofMillis(1)));
        }
        return weak;
    }

    /** A model trained for seconds: clearly better than {@link #weakModel()}. */
    public static synchronized Path goodModel() {
        if (good == null) {
            // 1e-2 sits at the edge of divergence for this net: a run here once went to NaN in epoch 4
            good = train("good", tiny().learningRate(3e-3f).epochs(30).timeLimit(Duration.ofSeconds(10)));
        }
        return good;
    }

    private static Path train(String name, TrainOptions.Builder options) {
        Path dir = MODELS.resolve(name);
        Directories.deleteRecursively(dir);
        Trainer.train(scenes("base", 256, 1), List.of(), options.build(), dir);
        return dir;
    }

    /** The signing key every test registry and job share: made once per test JVM in {@code target/}. */
    public static synchronized Path signingKeyFile() {
        if (signingKey == null) {
            try {
                Files.createDirectories(MODELS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            signingKey = UpdateSignature.generateKeyFile(MODELS.resolve("model-signing.key"));
        }
        return signingKey;
    }

    public static UpdateSignature signature() {
        return UpdateSignature.fromFile(signingKeyFile());
    }

    /**
     * The update the registry would publish for {@code model} had the gate promoted it over {@code previous}
     * (validation fg IoU 0.1 -> 0.9 on 20 examples), naming the folder {@code uri}, signed with {@link #signature()}.
     */
    public static ModelUpdate signedUpdate(RegisteredModel model, String uri, String previous) {
        return signature().sign(unsignedUpdate(model, uri, previous, 20));
    }

    /** The same without a signature, measured on {@code validationExamples}. */
    public static ModelUpdate unsignedUpdate(RegisteredModel model, String uri, String previous,
                                             int validationExamples) {
        return ModelUpdate.newBuilder().setVersion(model.version()).setUri(uri).setSha256(model.sha256())
                .setPromotedAt(Instant.parse("2026-01-01T00:00:00Z")).setPreviousVersion(previous)
                .setValidationExamples(validationExamples)
                .setCandidate(new ValidationMetrics(0.9, 0.9, 0.9, 0.9))
                .setPrevious(new ValidationMetrics(0.1, 0.1, 0.1, 0.1)).setManifest(model.manifest()).build();
    }

    /** Retraining options for tests: a time budget of {@code budget}, small batches, a 0.02 gate margin. */
    public static RetrainOptions options(Duration budget, int minValidation) {
        return new RetrainOptions(budget, 50, 16, 1e-3f, 5, 0.02, minValidation, false);
    }
}
