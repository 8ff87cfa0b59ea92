package org.maskstream.stream;

import org.maskstream.avro.ModelRef;
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

    static String key(ModelRef ref) {
        return ref.getUri() + "#" + Objects.requireNonNullElse(ref.getSha256(), "");
    }

    /** The model {@code ref} names, loading it (and evicting the least recently used) when not held. */
    MaskModel get(ModelRef ref) throws Exception {
        String key = key(ref);
        MaskModel model = models.get(key);
        if (model != null) {
            return model;
        }
        model = loader.load(ref);
        if (model.version().length() > OutputLimits.MAX_MODEL_VERSION_CHARS) {
            String version = model.version();
            model.close();
            throw new IllegalStateException("model " + ref.getUri() + " reports a version of " + version.length()
                    + " characters; results name at most " + OutputLimits.MAX_MODEL_VERSION_CHARS);
        }
        LOG.info("model {} loaded from {} (serving it as requested under ref version '{}')", model.version(),
                ref.getUri(), ref.getVersion());
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
