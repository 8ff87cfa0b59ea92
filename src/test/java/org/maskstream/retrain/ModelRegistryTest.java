package org.maskstream.retrain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {
    @TempDir
    Path dir;

    @Test
    void registeringCopiesTheModelUnderTheNextVersionReadOnlyAndNamedByItsVersion() throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir);
        Path source = RetrainFixtures.weakModel();
        Files.createDirectories(source.resolve("checkpoints"));

        RegisteredModel first = registry.register(source);
        RegisteredModel second = registry.register(source);

        assertEquals("v0001", first.version());
        assertEquals("v0002", second.version());
        assertEquals(SavedModel.sha256(source), first.sha256());
        assertFalse(Files.exists(first.dir().resolve("checkpoints")), "checkpoints are not part of a version");
        // the permission bits, not Files.isWritable: a test running as root may write anything
        assertFalse(Files.getPosixFilePermissions(first.dir().resolve(SavedModel.PARAMETERS))
                .contains(PosixFilePermission.OWNER_WRITE), "a version must be read-only");
        try (MaskModel model = SavedModel.load(second.dir())) {
            assertEquals("v0002", model.version());
        }
        assertTrue(registry.current().isEmpty(), "registering does not promote");
        registry.promote(second);
        assertEquals(second, registry.current().orElseThrow());
        assertEquals(second, ModelRegistry.open(dir).current().orElseThrow(), "CURRENT survives reopening");
    }

    @Test
    void seedingTakesOnlyAnEmptyRegistryAndIsRecorded() {
        ModelRegistry registry = ModelRegistry.open(dir);
        RegisteredModel first = Retrainer.seed(registry, RetrainFixtures.weakModel());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Retrainer.seed(registry, RetrainFixtures.weakModel()));
        assertTrue(e.getMessage().contains("already serves v0001"), e.getMessage());

        List<Attempt> history = registry.history();
        assertEquals(1, history.size());
        assertEquals(Attempt.Outcome.PROMOTED, history.get(0).outcome());
        assertEquals(first.version(), history.get(0).version());
        assertEquals(first.sha256(), history.get(0).sha256());
    }

    @Test
    void theHistoryIsOneReadableJsonLinePerAttempt() throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir);
        Attempt refused = new Attempt("2026-01-01T00:00:00Z", Attempt.Outcome.REFUSED, null, "v0003", null, 120, 30,
                new Attempt.Metrics(30, 0.5, 0.6, 0.7, 0.65), new Attempt.Metrics(30, 0.4, 0.5, 0.6, 0.55), 0.01,
                12.5, "worse");
        registry.record(refused);
        registry.record(refused);
        List<String> lines = Files.readAllLines(dir.resolve(ModelRegistry.HISTORY));
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{") && lines.get(0).contains("\"outcome\":\"REFUSED\"")
                && lines.get(0).contains("\"reason\":\"worse\"") && !lines.get(0).contains("\"version\""), lines.get(0));
        assertEquals(List.of(refused, refused), registry.history());
    }

    @Test
    void oneProcessAtATimeHoldsTheLock() throws Exception {
        ModelRegistry registry = ModelRegistry.open(dir);
        try (AutoCloseable held = registry.lock()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, registry::lock);
            assertTrue(e.getMessage().contains("another retrain process"), e.getMessage());
        }
        registry.lock().close();
    }
}
