package org.maskstream.stream;

import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The models one inference subtask holds, by {@link ModelRef} (uri and hash): loaded on first use, at most
 * {@code capacity} kept, the least recently used closed when a new one needs room.
 *
 * <p>Not thread-safe: owned by the subtask's batcher thread, which runs one batch at a time and calls
 * {@link #get} only between batches, so an evicted model is never closed under a running batch.
 */
final class ModelStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    private final ModelLoader loader;
    private final int capacity;
    private final LinkedHashMap<String, MaskModel> models = new LinkedHashMap<>(4, 0.75f, true);

    ModelStore(ModelLoader loader, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a model store holds at least one model, got capacity " + capacity);
        }
        this.loader = loader;
        this.capacity = capacity;
    }

    /** A held model is the one its ref names in all three parts, so no ref gets a model of another version. */
    static String key(ModelRef ref) {
        return ref.getVersion() + "@" + ref.getUri() + "#" + Objects.requireNonNullElse(ref.getSha256(), "");
    }

    /**
     * The model {@code ref} names, loading it (and evicting the least recently used) when not held. A model that
     * reports another version than the ref names is closed and refused: results carry the model's version, and the
     * ref's is the one tag-model-version, the windows' keys and the registry go by.
     */
    MaskModel get(ModelRef ref) throws Exception {
        String key = key(ref);
        MaskModel model = models.get(key);
        if (model != null) {
            return model;
        }
        model = loader.load(ref);
        String version = model.version();
        if (!version.equals(ref.getVersion())) {
            model.close();
            throw new InvalidModelException("model folder " + ref.getUri() + " holds version " + version + " but the"
                    + " job's model ref names version " + ref.getVersion() + ": the folder changed after the ref was"
                    + " made; start the job again (or publish the folder's version as a model update)");
        }
        if (version.length() > OutputLimits.MAX_MODEL_VERSION_CHARS) {
            model.close();
            throw new IllegalStateException("model " + ref.getUri() + " reports a version of " + version.length()
                    + " characters; results name at most " + OutputLimits.MAX_MODEL_VERSION_CHARS);
        }
        LOG.info("model {} loaded from {}", version, ref.getUri());
        models.put(key, model);
        evictBeyondCapacity();
        return model;
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<String, MaskModel>> it = models.entrySet().iterator();
        while (models.size() > capacity && it.hasNext()) {
            Map.Entry<String, MaskModel> eldest = it.next();
            it.remove();
            LOG.info("model {} evicted from the store and closed", eldest.getValue().version());
            eldest.getValue().close();
        }
    }

    /** Closes every held model whose {@link #key} is not in {@code keys}; between batches, so none is running. */
    void retainOnly(Set<String> keys) {
        Iterator<Map.Entry<String, MaskModel>> it = models.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, MaskModel> entry = it.next();
            if (!keys.contains(entry.getKey())) {
                it.remove();
                LOG.info("model {} no longer requested: closed", entry.getValue().version());
                entry.getValue().close();
            }
        }
    }

    int size() {
        return models.size();
    }

    @Override
    public void close() {
        models.values().forEach(MaskModel::close);
        models.clear();
    }
}
