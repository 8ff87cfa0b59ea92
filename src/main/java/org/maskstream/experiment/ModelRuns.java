package org.maskstream.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import org.maskstream.data.Example;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.MaskNet;
import org.maskstream.model.SavedModel;
import org.maskstream.train.EpochMetrics;
import org.maskstream.train.Evaluator;
import org.maskstream.train.TrainOptions;
import org.maskstream.train.TrainResult;
import org.maskstream.train.Trainer;
import org.maskstream.train.TrainingDivergedException;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scoring saved models for the experiments. */
final class ModelRuns {
    private ModelRuns() {
    }

    /** Written beside a model whose training diverged, with the reason. */
    static final String DIVERGED = "diverged.txt";
    /**
     * Written beside a model once its training has ended, however it ended (all epochs or the time limit), with
     * its time and whether the limit stopped it: the sign that {@code --reuse} may take the model as it is.
     */
    static final String FINISHED = "finished.json";

    /**
     * Trains into {@code dir}. A run whose loss stops being finite is reported, not fatal: the result is the best
     * epoch saved before it (with the epochs that finished) and {@link Training#divergence()} says why.
     *
     * @param reuse when {@code dir} already holds a run that ended (all its epochs, stopped by the time limit, or
     *              diverged), take it instead of training again
     */
    static Training train(List<Example> train, List<Example> val, TrainOptions opts, Path dir, PrintStream log,
                          boolean reuse) {
        if (reuse) {
            Training done = finished(dir);
            if (done != null) {
                log.println("reusing the model trained earlier in " + dir);
                return done;
            }
        }
        try {
            TrainResult result = Trainer.train(train, val, opts, dir);
            writeFinished(dir, result);
            return new Training(result, null);
        } catch (TrainingDivergedException e) {
            log.println("training diverged: " + e.getMessage());
            try {
                Files.writeString(dir.resolve(DIVERGED), e.getMessage());
            } catch (IOException io) {
                throw new UncheckedIOException("cannot write " + dir.resolve(DIVERGED), io);
            }
            return new Training(fromDisk(dir, null, false), e.getMessage());
        }
    }

    private static void writeFinished(Path dir, TrainResult result) {
        try {
            Json.MAPPER.writeValue(dir.resolve(FINISHED).toFile(), Map.of("seconds", result.seconds(),
                    "stopped_by_time_limit", result.stoppedEarly(), "epochs", result.history().size()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FINISHED), e);
        }
    }

    /** The run in {@code dir} when it ended ({@link #FINISHED}) or diverged; {@code null} otherwise. */
    static Training finished(Path dir) {
        try {
            if (Files.exists(dir.resolve(DIVERGED))) {
                return new Training(fromDisk(dir, null, false), Files.readString(dir.resolve(DIVERGED)));
            }
            if (!Files.exists(dir.resolve(FINISHED)) || !Files.exists(dir.resolve(SavedModel.HASH))) {
                return null;
            }
            var marker = Json.MAPPER.readTree(dir.resolve(FINISHED).toFile());
            return new Training(fromDisk(dir, marker.path("seconds").asDouble(),
                    marker.path("stopped_by_time_limit").asBoolean()), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the earlier run in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a run left in {@code dir}: the curves of {@code metrics.jsonl} and the best epoch of {@code metrics.json}
     * (0 when none was saved).
     *
     * @param seconds the run's time, or {@code null} for the sum of the epochs' times (a diverged run)
     */
    private static TrainResult fromDisk(Path dir, Double seconds, boolean stoppedEarly) {
        List<EpochMetrics> history = new ArrayList<>();
        int best = 0;
        try {
            Path lines = dir.resolve(Trainer.METRICS_LINES);
            if (Files.exists(lines)) {
                for (String line : Files.readAllLines(lines)) {
                    history.add(Json.MAPPER.readValue(line, EpochMetrics.class));
                }
            }
            if (Files.exists(dir.resolve(SavedModel.METRICS))) {
                best = Json.MAPPER.readTree(dir.resolve(SavedModel.METRICS).toFile()).path("epoch").asInt(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training run in " + dir + ": " + e.getMessage(), e);
        }
        return new TrainResult(dir, best, List.copyOf(history), seconds != null ? seconds : epochSeconds(history),
                stoppedEarly);
    }

    /** Training time as the sum of the epochs' times (training and per-epoch validation). */
    static double epochSeconds(List<EpochMetrics> history) {
        return history.stream().mapToDouble(EpochMetrics::seconds).sum();
    }

    /**
     * A training run's outcome.
     *
     * @param divergence why training stopped early with a non-finite loss; {@code null} when it ran to the end.
     *                   After a divergence {@code result} holds the epochs that finished, and its best epoch is 0
     *                   when none did (then there is no model to score).
     */
    record Training(TrainResult result, String divergence) {
        boolean hasModel() {
            return result.bestEpoch() > 0;
        }
    }

    /** The model in {@code dir} on {@code examples}. */
    static IouCounts evaluate(Path dir, List<Example> examples) {
        try (MaskModel model = SavedModel.load(dir)) {
            return Evaluator.evaluate(model, examples);
        }
    }

    /** The model in {@code dir} on each of {@code examples}, by id, in order. */
    static Map<String, IouCounts> evaluateEach(Path dir, List<Example> examples) {
        Map<String, IouCounts> each = new LinkedHashMap<>();
        try (MaskModel model = SavedModel.load(dir)) {
            Evaluator.evaluate(model, examples, (e, mask, counts) -> each.put(e.id(), counts), null);
        }
        return each;
    }

    /** Trainable parameters of the saved network (frozen pretrained encoders are not counted). */
    static long parameterCount(Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskNet net = SavedModel.loadNet(dir, manager);
            long n = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                n += p.getValue().getArray().size();
            }
            return n;
        }
    }

}
