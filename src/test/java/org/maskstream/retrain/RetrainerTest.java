package org.maskstream.retrain;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.util.Directories;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
        RetrainOptions absurd = new RetrainOptions(Duration.ofSeconds(20), 50, 16, 1e30f, 1, 0.01, 5, false);

        Attempt attempt = new Retrainer(registry, store.toUri(), null, absurd, u -> {
            throw new AssertionError("nothing may be published");
        }, RetrainFixtures.signature()).runOnce();

        assertEquals(Attempt.Outcome.FAILED, attempt.outcome());
        assertTrue(attempt.reason().startsWith("fine-tuning diverged 3 times, last at learning rate 2.5E29"),
                attempt.reason());
        assertEquals(start, registry.current().orElseThrow());
        try (var staging = Files.list(registry.dir().resolve(ModelRegistry.STAGING))) {
            assertEquals(0, staging.count(), "the candidate folder must be removed");
        }
    }

    @Test
    void theUpdateIsPublishedOnlyAfterCurrentMovedAndOneTheBrokerDidNotTakeIsPublishedByTheNextAttempt()
            throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));
        Retrainer.seed(registry, RetrainFixtures.weakModel());
        Path store = dir.resolve("store");
        RetrainFixtures.writeStoreFile(store.resolve("b/part-0-0.avro"), RetrainFixtures.scenes("s", 120, 4));
        RetrainOptions options = new RetrainOptions(Duration.ofSeconds(8), 50, 16, 5e-3f, 5, 0.0, 5, false);
        List<ModelUpdate> sent = new ArrayList<>();
        List<String> currentWhenSent = new ArrayList<>();

        // the broker does not acknowledge: the producer may still hold the record, so it must name CURRENT
        Attempt attempt = new Retrainer(registry, store.toUri(), null, options, u -> {
            sent.add(u);
            currentWhenSent.add(registry.current().orElseThrow().version());
            throw new IllegalStateException("not acknowledged within 30 s");
        }, RetrainFixtures.signature()).runOnce();

        assertEquals(Attempt.Outcome.PROMOTED, attempt.outcome(), attempt.reason());
        assertTrue(attempt.reason().contains("its model update is not published yet (not acknowledged within 30 s)"),
                attempt.reason());
        assertEquals(List.of("v0002"), currentWhenSent, "CURRENT moves before the update leaves");
        assertEquals("v0002", registry.current().orElseThrow().version());
        ModelUpdate update = sent.get(0);
        assertTrue(RetrainFixtures.signature().verifies(update), "the registry signs what it promotes");
        assertEquals(registry.current().orElseThrow().manifest(), update.getManifest());
        assertEquals(Optional.of(update), registry.unpublished());

        // the next attempt publishes it first, whatever its own outcome (here: nothing to train on)
        Directories.deleteRecursively(store);
        Attempt next = new Retrainer(registry, store.toUri(), null, options, sent::add,
                RetrainFixtures.signature()).runOnce();
        assertEquals(Attempt.Outcome.REFUSED, next.outcome());
        assertEquals(List.of(update, update), sent);
        assertEquals(Optional.empty(), registry.unpublished());
    }
}
