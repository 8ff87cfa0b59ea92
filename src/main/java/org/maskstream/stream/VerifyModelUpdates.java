package org.maskstream.stream;


import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.ModelRef;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.events.UpdateSignature;
import org.maskstream.model.MaskModel;
import org.maskstream.model.ModelManifest;
import org.maskstream.model.SavedModel;
import org.maskstream.events.AvroCodec;
import org.maskstream.events.RawRecord;
import org.maskstream.util.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gatekeeper of the hot-swap: turns each {@code model-updates} record into the {@link ModelRef} the job switches to,
 * or refuses it with a log line and the {@value HotSwap#UPDATES_REFUSED} metric, so the serving model keeps serving.
 *
 * <p>An update is accepted only when it is what the gate promoted and nothing changed since: it decodes; it carries
 * the registry's signature ({@link UpdateSignature}, the key of {@code maskstream.model.signing-key-file}); its signed
 * gate metrics show a pass (validation examples measured, the candidate above the model it replaces); its folder,
 * symbolic links resolved, lies inside {@code maskstream.model.registry-root}; the folder holds exactly the files
 * of the signed manifest with their hashes; and the model loads and names the signed version. The ref it emits
 * names the resolved folder and carries the manifest, so every TaskManager checks the files again before it
 * reads one. Runs with parallelism 1 before the broadcast, so every subtask of the job gets the same decision, and
 * the inference subtasks never try a model that was not checked.
 */
final class VerifyModelUpdates extends ProcessFunction<RawRecord, ModelRef> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VerifyModelUpdates.class);

    /** What the job trusts: read on the TaskManager, so the key never travels in the job graph. */
    record Trust(Path registryRoot, UpdateSignature signature) {
    }

    /** Either the ref to switch to or why not. */
    record Decision(ModelRef ref, String refusal) {
        static Decision refuse(String reason) {
            return new Decision(null, reason);
        }
    }

    private final ModelLoader loader;
    private final String registryRoot;
    private final String signingKeyFile;
    private transient Trust trust;
    private transient AvroCodec<ModelUpdate> codec;
    private transient Counter accepted;
    private transient Counter refused;

    /** {@code registryRoot} and {@code signingKeyFile} both null: every update is refused. */
    VerifyModelUpdates(ModelLoader loader, String registryRoot, String signingKeyFile) {
        this.loader = loader;
        this.registryRoot = registryRoot;
        this.signingKeyFile = signingKeyFile;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = AvroCodec.of(ModelUpdate.class);
        // A key file that cannot be read fails the task with the reason: refusing every update quietly would look
        // like a job that never gets a better model.
        trust = signingKeyFile == null ? null
                : new Trust(Path.of(registryRoot), UpdateSignature.fromFile(Path.of(signingKeyFile)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(StreamMetrics.GROUP);
        accepted = metrics.counter(HotSwap.UPDATES_ACCEPTED);
        refused = metrics.counter(HotSwap.UPDATES_REFUSED);
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ModelRef> out) {
        ModelUpdate update;
        try {
            update = codec.decode(record.value);
        } catch (AvroCodec.DecodeException e) {
            refused.inc();
            LOG.warn("refused the model update at {}-{} offset {}: not a ModelUpdate ({}); the serving model keeps"
                    + " serving", record.topic, record.partition, record.offset, e.getMessage());
            return;
        }
        Decision decision = decide(update, trust, loader);
        if (decision.refusal() != null) {
            refused.inc();
            LOG.warn("refused model update {} ({}): {}; the serving model keeps serving", update.getVersion(),
                    update.getUri(), decision.refusal());
            return;
        }
        accepted.inc();
        LOG.info("model update {} verified (signed, {} files as in its manifest, {}); the job switches to it",
                update.getVersion(), update.getManifest().size(), decision.ref().getUri());
        out.collect(decision.ref());
    }

    /** Whether the job may switch to {@code update}'s version, and the ref it switches to. */
    static Decision decide(ModelUpdate update, Trust trust, ModelLoader loader) {
        if (trust == null) {
            return Decision.refuse("the job has no " + StreamConfig.Key.MODEL_SIGNING_KEY_FILE.key() + " and "
                    + StreamConfig.Key.MODEL_REGISTRY_ROOT.key() + ", so it cannot tell a promoted model from any"
                    + " other: set both to serve retrained models");
        }
        if (update.getSignature() == null) {
            return Decision.refuse("it is not signed: only an update the registry signed when the gate promoted the"
                    + " version is served (retrain signs with --signing-key-file)");
        }
        if (!trust.signature().verifies(update)) {
            return Decision.refuse("its signature does not match: it was changed after signing, or signed with"
                    + " another key than the job's " + StreamConfig.Key.MODEL_SIGNING_KEY_FILE.key());
        }
        String gate = gateRefusal(update);
        if (gate != null) {
            return Decision.refuse("the gate did not promote it: " + gate);
        }
        Path dir;
        try {
            dir = insideRoot(update.getUri(), trust.registryRoot());
        } catch (IllegalArgumentException | IOException e) {
            return Decision.refuse("its folder cannot be used: " + e.getMessage());
        }
        Map<String, String> manifest = new TreeMap<>(update.getManifest());
        try {
            ModelManifest.verify(dir, manifest);
            String recorded = SavedModel.sha256(dir);
            if (!recorded.equals(update.getSha256())) {
                return Decision.refuse("the folder's SHA-256 " + recorded + " is not the published "
                        + update.getSha256());
            }
        } catch (RuntimeException e) {
            return Decision.refuse("its files are not the signed ones: " + e.getMessage());
        }
        ModelRef ref = ModelRef.newBuilder().setVersion(update.getVersion()).setUri(dir.toUri().toString())
                .setSha256(update.getSha256()).setManifest(manifest).build();
        try (MaskModel model = loader.load(ref)) {
            if (!model.version().equals(ref.getVersion())) {
                return Decision.refuse("the folder holds version " + model.version() + ", the update names "
                        + ref.getVersion());
            }
        } catch (Exception e) {
            return Decision.refuse("it does not load: " + e);
        } catch (Error e) {
            // An Error from loading the candidate (a native library it names, its size) would repeat on every replay
            // of this update and fail the job each time: it is the candidate's refusal.
            if (!Failures.isOwnedByTheWork(e)) {
                throw e;
            }
            return Decision.refuse("it does not load: " + e);
        }
        return new Decision(ref, null);
    }

    /**
     * Why the signed metrics do not show a pass, or null. The retrainer's margin and minimum split are its own
     * settings; what any promotion must show is a measured split and a candidate better than what it replaces.
     */
    private static String gateRefusal(ModelUpdate update) {
        if (update.getValidationExamples() < 1) {
            return "it was measured on " + update.getValidationExamples() + " validation examples";
        }
        ValidationMetrics previous = update.getPrevious();
        if (previous != null && !(update.getCandidate().getFgIou() > previous.getFgIou())) {
            return "its validation fg IoU " + update.getCandidate().getFgIou() + " does not beat the replaced "
                    + update.getPreviousVersion() + "'s " + previous.getFgIou();
        }
        return null;
    }

    /** The folder {@code uri} names with every symbolic link resolved, refused unless it lies inside {@code root}. */
    static Path insideRoot(String uri, Path root) throws IOException {
        Path named = SavedModels.path(uri);
        if (!named.isAbsolute()) {
            throw new IllegalArgumentException(uri + " is a relative path: the registry publishes absolute ones");
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new IOException("the registry root " + root + " (" + StreamConfig.Key.MODEL_REGISTRY_ROOT.key()
                    + ") does not exist here: " + e, e);
        }
        Path real;
        try {
            real = named.toRealPath();
        } catch (IOException e) {
            throw new IOException(named + " does not exist: " + e, e);
        }
        if (!real.startsWith(realRoot) || real.equals(realRoot)) {
            throw new IllegalArgumentException(named + (real.equals(named) ? "" : " (resolved: " + real + ")")
                    + " is outside the registry root " + realRoot);
        }
        return real;
    }
}
