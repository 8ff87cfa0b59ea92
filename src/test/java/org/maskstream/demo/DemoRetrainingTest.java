package org.maskstream.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.events.UpdateSignature;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.stream.StreamConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DemoRetrainingTest {
    @TempDir
    Path dir;

    @Test
    void theJobTrustsTheDemosRegistryAndTheKeyMadeForThisRun() {
        DemoRetraining loop = DemoRetraining.create(dir, RetrainFixtures.weakModel(), Duration.ofMinutes(2),
                List.of("maskstream"), null);
        StreamConfig config = loop.configure(StreamConfig.builder().model(loop.servingModel().toString()).build());
        assertEquals(Optional.of(loop.registryDir().toString()), config.modelRegistryRoot());
        Path key = Path.of(config.modelSigningKeyFile().orElseThrow());
        // a key the retrain child can sign with and the job can read
        UpdateSignature.fromFile(key);
        assertEquals(dir, key.getParent());
    }
}
