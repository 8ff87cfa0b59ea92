package org.maskstream.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.model.OnnxFixture;
import org.maskstream.retrain.Attempt;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RetrainFixtures;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void seedsTheRegistryRecordsARefusedAttemptAndExplainsMistakes() {
        Path registry = dir.resolve("registry");
        Path store = dir.resolve("store");
        RetrainFixtures.writeStoreFile(store.resolve("b/part-0-0.avro"), RetrainFixtures.scenes("few", 10, 3));
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        // no broker is needed: nothing is published when the gate refuses
        String[] common = {"retrain", "--store", store.toString(), "--registry", registry.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--once", "--signing-key-file",
                RetrainFixtures.signingKeyFile().toString()};

        assertEquals(2, cl.execute(common));
        assertTrue(err.toString().contains("has no promoted model: seed it"), err.toString());

        List<String> seeded = new java.util.ArrayList<>(List.of(common));
        seeded.addAll(List.of("--initial", RetrainFixtures.weakModel().toString()));
        assertEquals(0, cl.execute(seeded.toArray(String[]::new)));
        List<Attempt> history = ModelRegistry.open(registry).history();
        assertEquals(List.of(Attempt.Outcome.PROMOTED, Attempt.Outcome.REFUSED),
                history.stream().map(Attempt::outcome).toList());
        assertTrue(history.get(1).reason().contains("fewer than the 20"), history.get(1).reason());

        assertEquals(2, cl.execute(seeded.toArray(String[]::new)));
        assertTrue(err.toString().contains("already serves v0001"), err.toString());
        List<String> notAModel = new java.util.ArrayList<>(List.of(common));
        notAModel.set(4, dir.resolve("other-registry").toString());
        notAModel.addAll(List.of("--initial", store.toString()));
        assertEquals(2, cl.execute(notAModel.toArray(String[]::new)));
        assertTrue(err.toString().contains("it is not a saved model"), err.toString());
        assertEquals(2, cl.execute("retrain", "--store", store.toString(), "--registry", registry.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--every", "soon", "--signing-key-file",
                RetrainFixtures.signingKeyFile().toString()));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
        assertEquals(2, cl.execute("retrain", "--store", store.toString(), "--registry", registry.toString(),
                "--once", "--signing-key-file", dir.resolve("no-key").toString()));
        assertTrue(err.toString().contains("--signing-key-file: cannot read the model signing key file"),
                err.toString());
        assertEquals(2, cl.execute("retrain", "--store", store.toString(), "--registry", registry.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--signing-key-file", RetrainFixtures.signingKeyFile().toString()));
        assertTrue(err.toString().contains("--once") && err.toString().contains("--every"), err.toString());
    }

    @Test
    void refusesToSeedRetrainingWithAnOnnxModelAndSaysWhy() {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        Path registry = dir.resolve("registry");
        assertEquals(2, cl.execute("retrain", "--store", dir.resolve("store").toString(), "--registry",
                registry.toString(), "--bootstrap-servers", "127.0.0.1:1", "--once",
                "--signing-key-file", RetrainFixtures.signingKeyFile().toString(),
                "--initial", OnnxFixture.folder().toString()));
        assertTrue(err.toString().contains("is of kind onnx") && err.toString().contains("cannot fine-tune"),
                err.toString());
        assertTrue(ModelRegistry.open(registry).current().isEmpty(), "nothing registered");
    }
}
