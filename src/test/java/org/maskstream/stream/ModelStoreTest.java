package org.maskstream.stream;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.InvalidModelException;
import org.maskstream.model.MaskModel;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {

    /** Records loads and closes; never predicts (the store does not call it). */
    private static final class Recording implements MaskModel {
        final String version;
        boolean closed;

        Recording(String version) {
            this.version = version;
        }

        @Override
        public String version() {
            return version;
        }

        @Override
        public int inputSize() {
            return 8;
        }

        @Override
        public float threshold() {
            return 0.5f;
        }

        @Override
        public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
            throw new UnsupportedOperationException("not used by the store");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static ModelRef ref(String uri, String sha) {
        return ref(uri + "@" + sha, uri, sha);
    }

    private static ModelRef ref(String version, String uri, String sha) {
        return ModelRef.newBuilder().setVersion(version).setUri(uri).setSha256(sha).build();
    }

    @Test
    void keepsTheMostRecentlyUsedAndClosesTheEvicted() throws Exception {
        List<Recording> loaded = new ArrayList<>();
        ModelStore store = new ModelStore(r -> {
            Recording m = new Recording(r.getVersion());
            loaded.add(m);
            return m;
        }, 2);
        MaskModel a = store.get(ref("/m/a", null));
        store.get(ref("/m/b", "b1"));
        assertSame(a, store.get(ref("/m/a", null)), "held models are not loaded again");
        store.get(ref("/m/c", null));                 // evicts b, the least recently used
        assertEquals(3, loaded.size());
        assertEquals(List.of(false, true, false), loaded.stream().map(m -> m.closed).toList());
        assertEquals(2, store.size());
        store.get(ref("/m/b", "b2"));                 // same folder, another hash: another model
        assertEquals(4, loaded.size());
        store.close();
        loaded.forEach(m -> assertEquals(true, m.closed, m.version));
    }

    @Test
    void aLoadFailureLeavesTheStoreAsItWas() throws Exception {
        ModelStore store = new ModelStore(r -> {
            if (r.getUri().equals("/bad")) {
                throw new IllegalStateException("hash mismatch");
            }
            return new Recording(r.getVersion());
        }, 2);
        store.get(ref("/good", null));
        assertThrows(IllegalStateException.class, () -> store.get(ref("/bad", null)));
        assertEquals(1, store.size());
        store.close();
    }

    @Test
    void aModelThatReportsAnotherVersionThanItsRefIsClosedAndRefused() throws Exception {
        List<Recording> loaded = new ArrayList<>();
        ModelStore store = new ModelStore(r -> {
            Recording m = new Recording("v0002");
            loaded.add(m);
            return m;
        }, 2);
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> store.get(ref("v0001", "/m", "h")));
        assertTrue(e.getMessage().contains("holds version v0002 but the job's model ref names version v0001"),
                e.getMessage());
        assertTrue(loaded.get(0).closed);
        assertEquals(0, store.size());
        MaskModel served = store.get(ref("v0002", "/m", "h"));
        assertSame(loaded.get(1), served);
        assertThrows(InvalidModelException.class, () -> store.get(ref("v0001", "/m", "h")),
                "a held model of the same folder and hash is not handed out under another version");
        assertEquals(List.of(true, false, true), loaded.stream().map(m -> m.closed).toList());
        store.close();
    }
}
