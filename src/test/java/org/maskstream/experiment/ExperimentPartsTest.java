package org.maskstream.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.DatasetReader;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.data.synth.SceneGenerator;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The experiments' data handling, without training. */
class ExperimentPartsTest {

    @Test
    void realSampleSplitIsTwoThirdsOneThirdDisjointAndIndependentOfInputOrder() {
        List<Example> examples = SyntheticSplits.scenes(16, Phrasing.NORMAL, 9, 30);
        List<List<Example>> parts = RealSampleExperiment.split(examples, 1);
        assertEquals(20, parts.get(0).size());
        assertEquals(10, parts.get(1).size());
        Set<String> ids = new HashSet<>();
        parts.forEach(p -> p.forEach(e -> ids.add(e.id())));
        assertEquals(30, ids.size(), "every example in exactly one part");

        List<Example> reversed = new ArrayList<>(examples);
        Collections.reverse(reversed);
        assertEquals(ids(parts.get(1)), ids(RealSampleExperiment.split(reversed, 1).get(1)));
        assertNotEquals(ids(parts.get(1)), ids(RealSampleExperiment.split(examples, 2).get(1)));
    }

    @Test
    void crossValidationFoldsPartitionTheExamplesEvenlyAndIndependentlyOfInputOrder() {
        List<Example> examples = SyntheticSplits.scenes(16, Phrasing.NORMAL, 9, 32);
        List<List<Example>> folds = RealSampleExperiment.folds(examples, 1, 5);
        assertEquals(List.of(7, 7, 6, 6, 6), folds.stream().map(List::size).toList());
        Set<String> ids = new HashSet<>();
        folds.forEach(f -> f.forEach(e -> assertTrue(ids.add(e.id()), "in two folds: " + e.id())));
        assertEquals(32, ids.size(), "every example in exactly one fold");
        List<Example> reversed = new ArrayList<>(examples);
        Collections.reverse(reversed);
        assertEquals(ids(folds.get(2)), ids(RealSampleExperiment.folds(reversed, 1, 5).get(2)));
        assertNotEquals(ids(folds.get(2)), ids(RealSampleExperiment.folds(examples, 2, 5).get(2)));
        assertThrows(IllegalArgumentException.class, () -> RealSampleExperiment.folds(examples.subList(0, 4), 1, 5));
    }

    @Test
    void paraphrasedTestInstructionsShareNoContentWordWithTraining() {
        List<Example> train = SyntheticSplits.scenes(32, Phrasing.NORMAL, 1, 300);
        List<Example> paraphrased = SyntheticSplits.scenes(32, Phrasing.PARAPHRASE, 3, 100);
        List<Example> normal = SyntheticSplits.scenes(32, Phrasing.NORMAL, 3, 100);
        assertTrue(ParaphraseExperiment.sharedContentWords(train, paraphrased).isEmpty());
        assertFalse(ParaphraseExperiment.sharedContentWords(train, normal).isEmpty(), "the check can fail");
        // Same seed, other phrasing: the same scenes, so the two test sets differ only in wording.
        for (int i = 0; i < normal.size(); i++) {
            assertEquals(normal.get(i).mask(), paraphrased.get(i).mask(), "scene " + i);
        }
    }

    @Test
    void syntheticSplitsUseThreeSeeds() {
        SyntheticSplits s = SyntheticSplits.generate(16, 5, 3, 2, 4);
        assertEquals(List.of(3, 2, 4), List.of(s.train().size(), s.val().size(), s.test().size()));
        assertTrue(s.train().get(0).id().contains("-5-"));
        assertTrue(s.val().get(0).id().contains("-6-"));
        assertTrue(s.test().get(0).id().contains("-7-"));
    }

    @Test
    void trainingLinesPerSceneAreTheLinesGenerateWrites(@TempDir Path dir) {
        new SceneGenerator(32, Phrasing.NORMAL).generate(dir, 20, 5, false,
                new PrintStream(OutputStream.nullOutputStream()), 3);
        List<Example> written = DatasetReader.read(dir, false).examples();
        List<Example> inMemory = SyntheticSplits.generate(32, 5, 20, 1, 1, 3).train();
        assertTrue(inMemory.size() > 20, "extra lines per scene: " + inMemory.size());
        assertEquals(written.stream().map(e -> e.id() + " " + e.instruction()).toList(),
                inMemory.stream().map(e -> e.id() + " " + e.instruction()).toList());
        for (int i = 0; i < written.size(); i++) {
            assertArrayEquals(written.get(i).mask().pixels(), inMemory.get(i).mask().pixels(), written.get(i).id());
        }
    }

    private static List<String> ids(List<Example> examples) {
        return examples.stream().map(Example::id).sorted().toList();
    }
}
