package org.maskstream.data;

import org.junit.jupiter.api.Test;
import org.maskstream.avro.ExampleSplit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsTest {

    @Test
    void theSameIdAlwaysLandsInTheSameSplitWhateverElseIsSplit() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            ids.add("req-" + i);
        }
        Map<String, ExampleSplit> first = new HashMap<>();
        ids.forEach(id -> first.put(id, Splits.of(id)));
        // Again in another order, with other ids in between: a split must not depend on what else was seen.
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new java.util.Random(7));
        for (String id : shuffled) {
            Splits.of("other-" + id);
            assertEquals(first.get(id), Splits.of(id), id);
        }
    }

    @Test
    void splitsMatchSha256ComputedOutsideJava() {
        // Buckets from Python: int.from_bytes(hashlib.sha256(id.encode()).digest()[:8], 'big') % 100
        assertEquals(27, Splits.bucket("req-0"));
        assertEquals(5, Splits.bucket("req-4"));
        assertEquals(78, Splits.bucket("Δ-unicode"));
        assertEquals(ExampleSplit.TRAIN, Splits.of("req-0"));
        assertEquals(ExampleSplit.VALIDATION, Splits.of("req-4"));
        assertEquals(ExampleSplit.VALIDATION, Splits.of("req-36"));
        assertEquals(ExampleSplit.TRAIN, Splits.of("req-21"));
    }

    @Test
    void aboutTheConfiguredShareGoesToValidation() {
        int n = 20_000;
        long validation = 0;
        for (int i = 0; i < n; i++) {
            if (Splits.of("event-" + i) == ExampleSplit.VALIDATION) {
                validation++;
            }
        }
        double share = 100.0 * validation / n;
        assertTrue(Math.abs(share - Splits.VALIDATION_PERCENT) < 1.5, "validation share " + share + "%");
    }
}
