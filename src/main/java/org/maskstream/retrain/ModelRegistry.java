package org.maskstream.retrain;

import com.fasterxml.jackson.databind.MappingIterator;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.events.AvroCodec;
import org.maskstream.model.ModelConfig;
import org.maskstream.model.SavedModel;
import org.maskstream.util.Directories;
import org.maskstream.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of model versions and the history of retraining attempts:
 * <pre>
 * versions/v0001/   a saved model (config.json names the version), read-only once registered
 * CURRENT           the promoted version id: what retraining fine-tunes from and the job should serve
 * history.jsonl     one {@link Attempt} per line: promoted, refused or failed, with metrics and the reason
 * UNPUBLISHED       the signed model update of the promoted version while the broker has not acknowledged it
 * .staging/         candidates being trained (removed when the attempt ends)
 * .lock             held by the one retraining process allowed at a time
 * </pre>
 * Versions are never changed or reused: registering copies the folder under the next free id and then makes it
 * read-only; {@code CURRENT} is replaced atomically.
 */
public final class ModelRegistry {
    public static final String VERSIONS = "versions";
    public static final String CURRENT = "CURRENT";
    public static final String HISTORY = "history.jsonl";
    static final String UNPUBLISHED = "UNPUBLISHED";
    static final String STAGING = ".staging";
    private static final String LOCK = ".lock";
    private static final Pattern VERSION = Pattern.compile("v(\\d{4,})");

    private static final AvroCodec<ModelUpdate> UPDATES = AvroCodec.of(ModelUpdate.class);

    private final Path dir;

    private ModelRegistry(Path dir) {
        this.dir = dir;
    }

    /** Opens the registry in {@code dir}, creating an empty one when it does not exist. */
    public static ModelRegistry open(Path dir) {
        try {
            Files.createDirectories(dir.resolve(VERSIONS));
            Files.createDirectories(dir.resolve(STAGING));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model registry in " + dir + ": " + e.getMessage(), e);
        }
        return new ModelRegistry(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The promoted version, empty for a new registry. */
    public Optional<RegisteredModel> current() {
        Path file = dir.resolve(CURRENT);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(version(Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A registered version by id. */
    public RegisteredModel version(String version) {
        Path versionDir = dir.resolve(VERSIONS).resolve(version);
        if (!VERSION.matcher(version).matches() || !Files.isDirectory(versionDir)) {
            throw new IllegalStateException("the registry " + dir + " has no version '" + version + "'");
        }
        return new RegisteredModel(version, versionDir, SavedModel.sha256(versionDir));
    }

    /**
     * Copies the saved model in {@code modelDir} (its top-level files; checkpoints are left out) into the registry
     * under the next version id, with that id written into its config so the model reports it. Does not promote.
     */
    public RegisteredModel register(Path modelDir) {
        String sha256 = SavedModel.sha256(modelDir);
        ModelConfig config = SavedModel.config(modelDir);
        try {
            String version = nextVersion();
            Path tmp = Files.createTempDirectory(dir.resolve(STAGING), "register-" + version + "-");
            try (Stream<Path> files = Files.list(modelDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, tmp.resolve(f.getFileName()));
                }
            }
            Json.MAPPER.writeValue(tmp.resolve(SavedModel.CONFIG).toFile(), config.toBuilder().version(version).build());
            Path target = dir.resolve(VERSIONS).resolve(version);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            try (Stream<Path> files = Files.list(target)) {
                files.forEach(f -> f.toFile().setWritable(false, false));
            }
            RegisteredModel registered = new RegisteredModel(version, target, SavedModel.sha256(target));
            if (!registered.sha256().equals(sha256)) {
                throw new IllegalStateException("registering " + modelDir + " as " + version + " changed its hash");
            }
            return registered;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot register " + modelDir + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code model} the promoted version. */
    public void promote(RegisteredModel model) {
        replace(CURRENT, (model.version() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Makes {@code model} the promoted version and keeps {@code update} (its signed announcement) as
     * {@value #UNPUBLISHED} until {@link #published}: written first, so a crash between the two leaves the update
     * to publish, never a promoted version nobody announces.
     */
    public void promote(RegisteredModel model, ModelUpdate update) {
        if (!update.getVersion().equals(model.version())) {
            throw new IllegalArgumentException("the update names " + update.getVersion() + ", not " + model.version());
        }
        replace(UNPUBLISHED, UPDATES.encode(update));
        promote(model);
    }

    /** The promoted version's update the broker has not acknowledged yet, if any. */
    public Optional<ModelUpdate> unpublished() {
        Path file = dir.resolve(UNPUBLISHED);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UPDATES.decode(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (AvroCodec.DecodeException e) {
            throw new IllegalStateException(file + " is not a model update (" + e.getMessage() + "): delete it and"
                    + " publish the promoted version again", e);
        }
    }

    /** Records that the broker acknowledged {@code update}, unless a later promotion replaced it meanwhile. */
    public void published(ModelUpdate update) {
        if (unpublished().filter(u -> u.getVersion().equals(update.getVersion())).isPresent()) {
            try {
                Files.delete(dir.resolve(UNPUBLISHED));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir.resolve(UNPUBLISHED) + ": " + e.getMessage(), e);
            }
        }
    }

    private void replace(String name, byte[] content) {
        try {
            Path tmp = Files.createTempFile(dir.resolve(STAGING), name + "-", ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    /** Appends {@code attempt} to the history. */
    public void record(Attempt attempt) {
        try {
            Files.writeString(dir.resolve(HISTORY), Json.LINES.writeValueAsString(attempt) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve(HISTORY) + ": " + e.getMessage(), e);
        }
    }

    /** Every recorded attempt, oldest first. */
    public List<Attempt> history() {
        return history(dir);
    }

    /** Every attempt recorded in the registry folder {@code dir}, oldest first; read without creating anything. */
    public static List<Attempt> history(Path dir) {
        Path file = dir.resolve(HISTORY);
        List<Attempt> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try (MappingIterator<Attempt> it = Json.LINES.readerFor(Attempt.class).readValues(file.toFile())) {
            it.forEachRemaining(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A fresh, empty folder for a candidate; remove it with {@link Directories#deleteRecursively}. */
    Path newStagingDir() {
        try {
            return Files.createTempDirectory(dir.resolve(STAGING), "candidate-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a staging folder in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes what interrupted attempts left in {@code .staging}; only under {@link #lock}. */
    void clearStaging() {
        try (Stream<Path> leftovers = Files.list(dir.resolve(STAGING))) {
            leftovers.forEach(Directories::deleteRecursively);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir.resolve(STAGING) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Holds the registry's lock until closed: one retraining process at a time, or two could fine-tune from the
     * same version and promote past each other.
     *
     * @throws IllegalStateException when another process holds it
     */
    public AutoCloseable lock() {
        try {
            FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another retrain process holds " + dir.resolve(LOCK)
                        + ": wait for it to finish or stop it");
            }
            FileLock held = lock;
            return () -> {
                held.release();
                channel.close();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir.resolve(LOCK) + ": " + e.getMessage(), e);
        }
    }

    private String nextVersion() throws IOException {
        int max = 0;
        try (Stream<Path> versions = Files.list(dir.resolve(VERSIONS))) {
            for (Path v : versions.toList()) {
                Matcher m = VERSION.matcher(v.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(1)));
                }
            }
        }
        return String.format("v%04d", max + 1);
    }
}
