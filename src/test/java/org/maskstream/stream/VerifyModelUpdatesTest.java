package org.maskstream.stream;


import org.maskstream.retrain.ModelFolders;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.SavedModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyModelUpdatesTest {
    private static final ModelLoader LOADER = ref -> SavedModel.load(SavedModels.path(ref.getUri()));

    @TempDir
    Path dir;

    @Test
    void acceptsOnlyAFolderThatMatchesThePublishedHashLoadsAndNamesThePublishedVersion() throws Exception {
        RegisteredModel model = ModelRegistry.open(dir.resolve("registry")).register(RetrainFixtures.weakModel());
        assertEquals(Optional.empty(), problem(model.version(), model.uri(), model.sha256()));

        assertTrue(problem(model.version(), dir.resolve("missing").toUri().toString(), model.sha256()).orElseThrow()
                .startsWith("its folder cannot be read"));
        String otherHash = "0".repeat(64);
        assertEquals("the folder's SHA-256 " + model.sha256() + " is not the published " + otherHash,
                problem(model.version(), model.uri(), otherHash).orElseThrow());
        assertEquals("the folder holds version v0001, the update names v0007",
                problem("v0007", model.uri(), model.sha256()).orElseThrow());

        Path damaged = dir.resolve("damaged");
        Files.createDirectories(damaged);
        for (String f : new String[] {SavedModel.PARAMETERS, SavedModel.HASH, SavedModel.CONFIG}) {
            Files.copy(model.dir().resolve(f), damaged.resolve(f));
        }
        damaged.resolve(SavedModel.PARAMETERS).toFile().setWritable(true);
        Files.write(damaged.resolve(SavedModel.PARAMETERS), new byte[] {1, 2, 3});
        String reason = problem(model.version(), ModelFolders.uri(damaged), model.sha256()).orElseThrow();
        assertTrue(reason.startsWith("it does not load") && reason.contains("does not match its recorded SHA-256"),
                reason);
    }

    private static Optional<String> problem(String version, String uri, String sha256) {
        return VerifyModelUpdates.problem(ModelRef.newBuilder().setVersion(version).setUri(uri).setSha256(sha256)
                .build(), LOADER);
    }
}
