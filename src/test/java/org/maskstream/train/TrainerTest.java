package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Example;
import org.maskstream.model.Fusion;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.model.TinyScenes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir
    Path dir;

    /** The mechanics under test without the robustness defaults, which a 32 px toy would only slow down. */
    private static TrainOptions.Builder tiny() {
        return TrainOptions.builder().withoutRobustnessDefaults()
                .model(m -> m.inputSize(32).dim(16).layers(1).heads(2).maxTokens(8)).batchSize(8)
                .warmupSteps(5).learningRate(1e-2f).flip(false).checkpoints(false).progress(false);
    }

    @Test
    void aTinyModelOverfitsATinyBatch() {
        List<Example> batch = TinyScenes.generate(8, 32, 1);
        TrainResult result = Trainer.train(batch, List.of(), tiny().epochs(40).build(), dir);
        List<EpochMetrics> h = result.history();
        assertTrue(h.get(39).trainLoss() < h.get(0).trainLoss() / 3,
                "loss " + h.get(0).trainLoss() + " -> " + h.get(39).trainLoss());
        try (MaskModel model = SavedModel.load(dir)) {
            IouCounts counts = Evaluator.evaluate(model, batch);
            assertEquals(8, counts.n());
            assertTrue(counts.fgIou() > 0.8, "foreground IoU after overfitting: " + counts.fgIou());
        }
    }

    @Test
    void theSameSeedGivesTheSameMetricsAndParameters() throws IOException {
        List<Example> train = TinyScenes.generate(16, 32, 2);
        List<Example> val = TinyScenes.generate(4, 32, 3);
        TrainOptions opts = tiny().epochs(2).flip(true).checkpoints(true).seed(42).build();
        TrainResult a = Trainer.train(train, val, opts, dir.resolve("a"));
        TrainResult b = Trainer.train(train, val, opts, dir.resolve("b"));
        assertEquals(a.history().stream().map(m -> List.of(m.trainLoss(), m.valLoss(), m.valFgIou())).toList(),
                b.history().stream().map(m -> List.of(m.trainLoss(), m.valLoss(), m.valFgIou())).toList());
        assertEquals(SavedModel.sha256(dir.resolve("a")), SavedModel.sha256(dir.resolve("b")));
        for (String file : List.of(Trainer.METRICS_LINES, Trainer.CURVES, SavedModel.METRICS,
                Trainer.CHECKPOINTS + "/epoch-001/" + SavedModel.PARAMETERS,
                Trainer.CHECKPOINTS + "/epoch-002/" + SavedModel.HASH)) {
            assertTrue(Files.isRegularFile(dir.resolve("a").resolve(file)), file + " was not written");
        }
        assertEquals(2, Files.readAllLines(dir.resolve("a").resolve(Trainer.METRICS_LINES)).size());
        // the curves come back from metrics.jsonl alone, pixel for pixel what the run drew
        byte[] drawn = Files.readAllBytes(dir.resolve("a").resolve(Trainer.CURVES));
        Files.delete(dir.resolve("a").resolve(Trainer.CURVES));
        assertEquals(dir.resolve("a").resolve(Trainer.CURVES), Trainer.replot(dir.resolve("a")));
        assertArrayEquals(drawn, Files.readAllBytes(dir.resolve("a").resolve(Trainer.CURVES)));
        assertThrows(IOException.class, () -> Trainer.replot(dir.resolve("nothing-here")));
        TrainResult other = Trainer.train(train, val, tiny().epochs(1).flip(true).seed(43).build(),
                dir.resolve("c"));
        assertFalse(a.history().get(0).trainLoss() == other.history().get(0).trainLoss(),
                "a different seed should start differently");
    }

    @Test
    void fineTuningStartsFromTheSavedParametersAndKeepsTheArchitecture() {
        List<Example> train = TinyScenes.generate(8, 32, 4);
        TrainResult base = Trainer.train(train, List.of(), tiny().model(m -> m.fusion(Fusion.CONCAT)).epochs(20).build(),
                dir.resolve("base"));
        // the default fusion is xattn: the saved model's architecture must win over the options
        TrainResult tuned = Trainer.train(train, List.of(), tiny().initFrom(dir.resolve("base")).epochs(1)
                .learningRate(1e-4f).build(), dir.resolve("tuned"));
        assertEquals(Fusion.CONCAT, SavedModel.config(dir.resolve("tuned")).fusion());
        assertEquals(SavedModel.config(dir.resolve("base")).vocabulary(),
                SavedModel.config(dir.resolve("tuned")).vocabulary());
        // same seed, so a fresh start would repeat the base run's first loss; a warm start is far below it
        assertTrue(tuned.history().get(0).trainLoss() < base.history().get(0).trainLoss() * 0.8,
                "fine-tuned first epoch loss " + tuned.history().get(0).trainLoss() + " vs from scratch "
                        + base.history().get(0).trainLoss());
    }

    @Test
    void aDivergingRunStopsWithAClearMessage() {
        List<Example> train = TinyScenes.generate(8, 32, 5);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.train(train, List.of(), tiny().learningRate(1e30f).clipGradient(1e30f).warmupSteps(0)
                        .epochs(20).build(), dir));
        assertTrue(e.getMessage().contains("Lower --lr"), e.getMessage());
        // the first non-finite step stops the run: with one step per epoch, epoch 2 at the latest
        assertTrue(e.getMessage().matches(".*not finite.* at epoch [12], step [12] .*"), e.getMessage());
    }

    @Test
    void curriculumStagesTrainOnTheirPartFirstThenEverything() {
        List<Example> train = TinyScenes.generate(12, 32, 7);
        Map<String, String> kind = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            kind.put(train.get(i).id(), i < 4 ? "a" : "b");
        }
        TrainOptions opts = tiny().stages(List.of(new Stage("kind", "a", 2), new Stage("kind", "b", 1))).epochs(1)
                .build();
        TrainResult r = Trainer.train(train, List.of(), opts, dir, Map.of("kind", kind));
        assertEquals(List.of("kind=a", "kind=a", "kind=b", "all"),
                r.history().stream().map(EpochMetrics::stage).toList());
        assertEquals(List.of(1, 2, 3, 4), r.history().stream().map(EpochMetrics::epoch).toList());
        // batch 8: 4 "a" examples take one step, 8 "b" examples one, all 12 two
        assertEquals(List.of(1, 1, 1, 2), r.history().stream().map(EpochMetrics::steps).toList());
    }

    @Test
    void paraphrasesJoinTheVocabularyAndTheLossCurriculumRepeatsForASeed() {
        List<Example> train = TinyScenes.generate(16, 32, 9);
        TrainOptions opts = tiny().epochs(3).paraphrase(true).curriculum(Curriculum.LOSS).seed(5).build();
        TrainResult a = Trainer.train(train, List.of(), opts, dir.resolve("a"));
        TrainResult b = Trainer.train(train, List.of(), opts, dir.resolve("b"));
        assertEquals(a.history().stream().map(EpochMetrics::trainLoss).toList(),
                b.history().stream().map(EpochMetrics::trainLoss).toList());
        assertEquals(SavedModel.sha256(dir.resolve("a")), SavedModel.sha256(dir.resolve("b")));
        List<String> plain = SavedModel.config(Trainer.train(train, List.of(), tiny().epochs(1).build(),
                dir.resolve("plain")).modelDir()).vocabulary();
        List<String> rephrased = SavedModel.config(dir.resolve("a")).vocabulary();
        assertTrue(rephrased.containsAll(plain), "rephrasings add words, they remove none");
        assertTrue(rephrased.stream().anyMatch(TrainingParaphrases.words()::contains),
                "no training paraphrase word in " + rephrased);
        assertFalse(plain.stream().anyMatch(w -> TrainingParaphrases.words().contains(w)),
                "the plain vocabulary should not know the table's words: " + plain);
        // the curriculum draws with replacement from epoch 2: an epoch still takes as many steps
        assertEquals(List.of(2, 2, 2), a.history().stream().map(EpochMetrics::steps).toList());
    }

    @Test
    void aStageTheDataCannotServeIsRefusedBeforeTraining() {
        List<Example> train = TinyScenes.generate(4, 32, 8);
        Map<String, String> kind = new HashMap<>();
        train.forEach(e -> kind.put(e.id(), "b"));
        TrainOptions opts = tiny().stages(List.of(new Stage("kind", "a", 1))).build();
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(train, List.of(), opts, dir, Map.of("kind", kind)));
        assertEquals("curriculum stage kind=a:1 selects no training example: the manifest's 'kind' values are [b]",
                none.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Trainer.train(train, List.of(), opts, dir));
        assertTrue(missing.getMessage().contains("needs the training manifest's 'kind' field"), missing.getMessage());
        assertFalse(Files.exists(dir.resolve(Trainer.METRICS_LINES)));
    }

    @Test
    void shiftNeedsPixelsToMove() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny().shift(2).model(m -> m.imageEncoder("mobilenet:/x.onnx")).build());
        assertTrue(e.getMessage().contains("--shift needs the scratch image encoder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tiny().shift(16).build());
    }

    @Test
    void theTimeLimitStopsTrainingButStillSavesAModel() {
        List<Example> train = TinyScenes.generate(8, 32, 6);
        TrainResult r = Trainer.train(train, List.of(), tiny().batchSize(2).epochs(1000)
                .timeLimit(java.time.Duration.ofMillis(1)).build(), dir);
        assertTrue(r.stoppedEarly());
        assertEquals(1, r.history().size());
        assertEquals(1, r.history().get(0).steps());
        assertTrue(Files.isRegularFile(dir.resolve(SavedModel.PARAMETERS)));
    }

    @Test
    void theScheduleWarmsUpLinearlyThenDecaysToFivePercent() {
        assertEquals(0.25f, Trainer.learningRate(1f, 4, 100, 0), 1e-6);
        assertEquals(1f, Trainer.learningRate(1f, 4, 100, 3), 1e-6);
        assertEquals(1f, Trainer.learningRate(1f, 4, 100, 4), 1e-6);
        assertEquals(0.525f, Trainer.learningRate(1f, 4, 100, 52), 1e-6);
        assertEquals(0.05f, Trainer.learningRate(1f, 4, 100, 100), 1e-6);
    }
}
