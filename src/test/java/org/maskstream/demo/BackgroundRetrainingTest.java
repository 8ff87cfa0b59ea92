package org.maskstream.demo;

import org.maskstream.retrain.Attempt;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.retrain.Retrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundRetrainingTest {
    @TempDir
    Path dir;

    @Test
    void attemptsRepeatUntilClosedAndEachIsRecorded() throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        Retrainer.seed(registry, RetrainFixtures.weakModel());
        // no store yet: every attempt is refused at once, which is what a fresh deployment sees
        Retrainer retrainer = new Retrainer(registry, dir.resolve("no-store").toUri(), null,
                RetrainFixtures.options(Duration.ofSeconds(1), 20), u -> {
                    throw new AssertionError("nothing may be published");
                }, RetrainFixtures.signature());
        List<Attempt> reported = new CopyOnWriteArrayList<>();
        try (BackgroundRetraining background = BackgroundRetraining.start(retrainer::runOnce, Duration.ZERO,
                Duration.ofMillis(50), reported::add)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (reported.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        int afterClose = reported.size();
        Thread.sleep(200);
        assertEquals(afterClose, reported.size(), "an attempt ran after close()");
        assertTrue(afterClose >= 3, "only " + afterClose + " attempts");
        assertTrue(reported.stream().allMatch(a -> a.outcome() == Attempt.Outcome.REFUSED
                && a.reason().startsWith("nothing to train on yet")), reported.toString());
        assertEquals(afterClose + 1, registry.history().size());
    }
}
