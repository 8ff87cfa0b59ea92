package org.maskstream.retrain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrainerTest {
    @TempDir
    Path dir;

    @Test
    void aFineTuningThatKeepsDivergingIsRetriedAtLowerRatesThenRecordedAsFailed() throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        RegisteredModel start = Retrainer.seed(registry, RetrainFixtures.weakModel());
        Path store = dir.resolve("store");
        RetrainFixtures.writeStoreFile(store.resolve("b/part-0-0.avro"), RetrainFixtures.scenes("s", 60, 4));
        RetrainOptions absurd = new RetrainOptions(Duration.ofSeconds(5), 1, 16, 1e30f, 1, 0.01, 5, false);

        Attempt attempt = new Retrainer(registry, store.toUri(), null, absurd, u -> {
            throw new AssertionError("nothing may be published");
        }).runOnce();

        assertEquals(Attempt.Outcome.FAILED, attempt.outcome());
        assertTrue(attempt.reason().startsWith("fine-tuning diverged 3 times, last at learning rate 2.5E29"),
                attempt.reason());
        assertEquals(start, registry.current().orElseThrow());
        try (var staging = Files.list(registry.dir().resolve(ModelRegistry.STAGING))) {
            assertEquals(0, staging.count(), "the candidate folder must be removed");
        }
    }
}
