package org.maskstream.stream;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.maskstream.avro.ModelRef;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.events.UpdateSignature;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.SavedModel;
import org.maskstream.retrain.ModelFolders;
import org.maskstream.retrain.ModelRegistry;
import org.maskstream.retrain.RegisteredModel;
import org.maskstream.retrain.RetrainFixtures;
import org.maskstream.util.Directories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way an update that is not what the gate promoted, or whose files changed, is refused. */
class VerifyModelUpdatesTest {
    private static final ModelLoader LOADER = SavedModels.LOADER;

    @TempDir
    Path dir;

    private ModelRegistry registry;
    private RegisteredModel model;
    private VerifyModelUpdates.Trust trust;

    @BeforeEach
    void registerOneVersion() {
        registry = ModelRegistry.open(dir.resolve("registry"));
        model = registry.register(RetrainFixtures.weakModel());
        trust = new VerifyModelUpdates.Trust(registry.dir(), RetrainFixtures.signature());
    }

    private String refusal(ModelUpdate update) {
        VerifyModelUpdates.Decision decision = VerifyModelUpdates.decide(update, trust, LOADER);
        assertNull(decision.ref(), "accepted: " + update);
        return decision.refusal();
    }

    private static void assertStarts(String prefix, String reason) {
        assertTrue(reason.startsWith(prefix), reason);
    }

    @Test
    void aSignedPromotedUpdateIsAcceptedWithItsResolvedFolderAndManifest() {
        VerifyModelUpdates.Decision decision = VerifyModelUpdates.decide(
                RetrainFixtures.signedUpdate(model, model.uri(), "v0000"), trust, LOADER);
        assertNull(decision.refusal());
        ModelRef ref = decision.ref();
        assertEquals(model.version(), ref.getVersion());
        assertEquals(model.manifest(), ref.getManifest());
        assertTrue(ref.getManifest().keySet().containsAll(java.util.List.of(SavedModel.CONFIG, SavedModel.PARAMETERS,
                SavedModel.HASH, SavedModel.METRICS)), "every file, not only the parameters: " + ref.getManifest());
    }

    @Test
    void aJobWithoutTrustSettingsServesNoUpdate() {
        VerifyModelUpdates.Decision decision = VerifyModelUpdates.decide(
                RetrainFixtures.signedUpdate(model, model.uri(), "v0000"), null, LOADER);
        assertStarts("the job has no maskstream.model.signing-key-file", decision.refusal());
    }

    @Test
    void anUnsignedUpdateIsRefused() {
        // e.g. a version that was registered but never promoted, published by hand
        assertStarts("it is not signed", refusal(RetrainFixtures.unsignedUpdate(model, model.uri(), "v0000", 20)));
    }

    @Test
    void anUpdateSignedWithAnotherKeyOrChangedAfterSigningIsRefused() throws Exception {
        Path otherKey = UpdateSignature.generateKeyFile(dir.resolve("other.key"));
        ModelUpdate foreign = UpdateSignature.fromFile(otherKey)
                .sign(RetrainFixtures.unsignedUpdate(model, model.uri(), "v0000", 20));
        assertStarts("its signature does not match", refusal(foreign));

        ModelUpdate signed = RetrainFixtures.signedUpdate(model, model.uri(), "v0000");
        ModelUpdate betterLooking = ModelUpdate.newBuilder(signed).setValidationExamples(500).build();
        assertStarts("its signature does not match", refusal(betterLooking));
        ModelUpdate garbage = ModelUpdate.newBuilder(signed).setSignature("not hex").build();
        assertStarts("its signature does not match", refusal(garbage));
    }

    @Test
    void aSignedUpdateWhoseMetricsShowNoPassIsRefused() {
        UpdateSignature key = RetrainFixtures.signature();
        ModelUpdate unmeasured = key.sign(ModelUpdate.newBuilder(
                RetrainFixtures.unsignedUpdate(model, model.uri(), "v0000", 0))
                .setCandidate(new ValidationMetrics(0.0, 0.0, 0.0, 0.0)).setPrevious(null).build());
        assertEquals("the gate did not promote it: it was measured on 0 validation examples", refusal(unmeasured));
        ModelUpdate worse = key.sign(ModelUpdate.newBuilder(RetrainFixtures.unsignedUpdate(model, model.uri(),
                "v0000", 20)).setCandidate(new ValidationMetrics(0.1, 0.1, 0.1, 0.1)).build());
        assertStarts("the gate did not promote it: its validation fg IoU 0.1 does not beat", refusal(worse));
    }

    @Test
    void aChangedConfigJsonOrAnExtraFileIsRefusedThoughTheParametersMatch() throws Exception {
        Path tampered = copyInsideRoot("tampered");
        Path config = tampered.resolve(SavedModel.CONFIG);
        String json = Files.readString(config);
        Files.writeString(config, json.replaceFirst("\"threshold\"\\s*:\\s*[0-9.eE-]+", "\"threshold\" : 0.01"));
        assertTrue(!Files.readString(config).equals(json), "the test changed nothing");
        String reason = refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(tampered), "v0000"));
        assertStarts("its files are not the signed ones", reason);
        assertTrue(reason.contains(SavedModel.CONFIG + " has SHA-256"), reason);

        Path extra = copyInsideRoot("extra");
        Files.writeString(extra.resolve("encoder.onnx"), "not signed");
        assertTrue(refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(extra), "v0000"))
                .contains("[encoder.onnx], which its manifest does not list"));

        Path damaged = copyInsideRoot("damaged");
        Files.write(damaged.resolve(SavedModel.PARAMETERS), new byte[] {1, 2, 3});
        assertTrue(refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(damaged), "v0000"))
                .contains(SavedModel.PARAMETERS + " has SHA-256"));
    }

    @Test
    void aFolderOutsideTheRootRelativeOrThroughDotDotIsRefused() throws Exception {
        Path outside = copy(model.dir(), dir.resolve("outside"));
        assertTrue(refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(outside), "v0000"))
                .endsWith("is outside the registry root " + registry.dir().toRealPath()));
        String dotDot = registry.dir().toUri() + "versions/../../outside";
        assertStarts("its folder cannot be used", refusal(RetrainFixtures.signedUpdate(model, dotDot, "v0000")));
        assertTrue(refusal(RetrainFixtures.signedUpdate(model, dotDot, "v0000")).contains("outside the registry root"));
        assertStarts("its folder cannot be used: registry/versions/v0001 is a relative path",
                refusal(RetrainFixtures.signedUpdate(model, "registry/versions/v0001", "v0000")));
        assertStarts("its folder cannot be used: " + dir.resolve("missing") + " does not exist",
                refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(dir.resolve("missing")), "v0000")));
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefusedAsAFolderAndAsAFile() throws Exception {
        Path outside = copy(model.dir(), dir.resolve("outside"));
        Path link = Files.createSymbolicLink(registry.dir().resolve("escape"), outside);
        String reason = refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(link), "v0000"));
        assertTrue(reason.contains("(resolved: " + outside.toRealPath() + ") is outside the registry root"), reason);

        Path withLinkedFile = copyInsideRoot("linked-file");
        Files.delete(withLinkedFile.resolve(SavedModel.CONFIG));
        Files.createSymbolicLink(withLinkedFile.resolve(SavedModel.CONFIG), outside.resolve(SavedModel.CONFIG));
        assertTrue(refusal(RetrainFixtures.signedUpdate(model, ModelFolders.uri(withLinkedFile), "v0000"))
                .contains("holds config.json, which is a symbolic link"));
    }

    @Test
    void aFolderOfAnotherVersionThanTheSignedOneIsRefused() {
        UpdateSignature key = RetrainFixtures.signature();
        ModelUpdate renamed = key.sign(ModelUpdate.newBuilder(RetrainFixtures.unsignedUpdate(model, model.uri(),
                "v0000", 20)).setVersion("v0007").build());
        assertEquals("the folder holds version v0001, the update names v0007", refusal(renamed));
    }

    @Test
    void theTaskManagersLoaderRefusesAVerifiedFolderThatChangedOrVanishedSinceAndReadsNothingElse() throws Exception {
        Path later = copyInsideRoot("later");
        ModelRef ref = VerifyModelUpdates.decide(RetrainFixtures.signedUpdate(model, ModelFolders.uri(later),
                "v0000"), trust, LOADER).ref();
        assertNotNull(ref);
        LOADER.load(ref).close();

        Files.writeString(later.resolve(SavedModel.METRICS), "{}");
        assertThrows(InvalidModelException.class, () -> LOADER.load(ref), "a changed file, even one never read");
        Directories.deleteRecursively(later);
        assertTrue(assertThrows(InvalidModelException.class, () -> LOADER.load(ref)).getMessage()
                .contains("is gone since it was verified"));
    }

    @Test
    void aCandidateWhoseLoadingThrowsAnErrorIsRefused() {
        ModelUpdate update = RetrainFixtures.signedUpdate(model, model.uri(), "v0000");
        for (Error error : new Error[] {new UnsatisfiedLinkError("no onnxruntime in java.library.path"),
                new OutOfMemoryError("Java heap space"), new ExceptionInInitializerError("static init failed")}) {
            String reason = VerifyModelUpdates.decide(update, trust, r -> {
                throw error;
            }).refusal();
            assertTrue(reason.startsWith("it does not load") && reason.contains(error.getClass().getSimpleName()),
                    reason);
        }
    }

    private Path copyInsideRoot(String name) throws Exception {
        return copy(model.dir(), registry.dir().resolve(name));
    }

    /** A writable copy of the registered folder's files. */
    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                to.resolve(f.getFileName()).toFile().setWritable(true);
            }
        }
        return to;
    }
}
