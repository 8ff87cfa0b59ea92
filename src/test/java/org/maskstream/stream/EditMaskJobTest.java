package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.maskstream.model.SavedModel;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainFixtures;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EditMaskJobTest {
    @TempDir
    Path dir;

    private static ModelRef initialModel(String folder) {
        return EditMaskJob.initialModel(StreamConfig.builder().model(folder).build());
    }

    @Test
    void theInitialRefNamesTheVersionItsModelReports() throws Exception {
        Path trained = RetrainFixtures.weakModel();
        RegisteredModel registered = ModelRegistry.open(dir.resolve("registry")).register(trained);
        assertEquals(SavedModel.sha256(trained).substring(0, 12), initialModel(trained.toString()).getVersion());
        assertEquals("v0001", initialModel(registered.uri()).getVersion());
        for (String folder : new String[] {trained.toString(), registered.uri()}) {
            ModelRef ref = initialModel(folder);
            assertEquals(folder, ref.getUri());
            try (MaskModel model = SavedModels.LOADER.load(ref)) {
                assertEquals(model.version(), ref.getVersion(), folder);
            }
        }
    }

    @Test
    void anUnsetOrUnreadableModelFolderIsRefusedWhenTheJobIsBuilt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> initialModel("")).getMessage()
                .contains(StreamConfig.Key.MODEL.key()));
        String missing = dir.resolve("missing").toString();
        String message = assertThrows(InvalidModelException.class, () -> initialModel(missing)).getMessage();
        assertTrue(message.contains(missing) && message.contains("does not exist"), message);
    }
}
