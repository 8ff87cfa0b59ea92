package org.maskstream.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.data.Example;
import org.maskstream.data.synth.Phrasing;
import org.maskstream.train.TrainOptions;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --reuse}: a run the time limit ended counts as finished, so it is scored again rather than retrained. */
class ModelRunsTest {

    @Test
    void aRunTheTimeLimitStoppedIsReusedWithItsTimeAndItsStop(@TempDir Path work) throws Exception {
        Budget budget = RobustnessExperiment.quickBudget();
        List<Example> train = SyntheticSplits.scenes(budget.size(), Phrasing.NORMAL, 1, 24);
        TrainOptions opts = budget.trainDefaults().epochs(3).timeLimit(Duration.ofMillis(1)).progress(false).build();
        Path dir = work.resolve("model");
        assertNull(ModelRuns.finished(dir), "nothing trained yet");

        ModelRuns.Training first = ModelRuns.train(train, List.of(), opts, dir, new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true);
        assertTrue(first.result().stoppedEarly(), "a 1 ms limit stops the run");
        assertTrue(first.result().history().size() < 3, "fewer epochs than asked: " + first.result().history());
        assertTrue(Files.exists(dir.resolve(ModelRuns.FINISHED)));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ModelRuns.Training again = ModelRuns.train(train, List.of(), opts, dir, new PrintStream(log, true,
                StandardCharsets.UTF_8), true);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("reusing the model trained earlier"), log.toString());
        assertTrue(again.result().stoppedEarly());
        assertEquals(first.result().seconds(), again.result().seconds(), 1e-9);
        assertEquals(first.result().history().size(), again.result().history().size());
        assertEquals(first.result().bestEpoch(), again.result().bestEpoch());

        Files.delete(dir.resolve(ModelRuns.FINISHED));
        assertNull(ModelRuns.finished(dir), "a run that never reported its end (killed) is trained again");
        assertFalse(Files.exists(dir.resolve(ModelRuns.DIVERGED)));
    }
}
