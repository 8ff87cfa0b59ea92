package org.maskstream.train;

import org.junit.jupiter.api.Test;
import org.maskstream.data.synth.Phrasing;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingParaphrasesTest {

    @Test
    void sharesNoContentWordWithTheTestOnlyParaphrases() {
        Set<String> shared = new TreeSet<>(TrainingParaphrases.words());
        shared.retainAll(Phrasing.PARAPHRASE.contentWords());
        assertEquals(Set.of(), shared, "training rephrasings must leave the test paraphrases unseen");
    }

    @Test
    void rephrasesWithTableWordsAndKeepsTheRest() {
        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            String out = TrainingParaphrases.rephrase("make the red circle on the left blue", new Random(seed));
            seen.add(out);
            List<String> words = Phrasing.tokens(out);
            assertTrue(words.contains("the") && words.contains("on"), out);
            assertTrue(words.stream().anyMatch(w -> Set.of("red", "ruby", "cherry", "brick").contains(w)), out);
            assertTrue(words.stream().anyMatch(w -> Set.of("left", "west", "port").contains(w)), out);
            assertTrue(words.stream().noneMatch(w -> Set.of("right", "east", "starboard").contains(w)), out);
            Set<String> known = new HashSet<>(TrainingParaphrases.words());
            known.addAll(Phrasing.tokens("make the red circle on the left blue"));
            assertTrue(known.containsAll(words), out);
        }
        assertTrue(seen.size() > 50, "rephrasings should vary, got " + seen.size());
    }

    @Test
    void leavesWordsOutsideTheTableAlone() {
        String out = TrainingParaphrases.rephrase("zzz qqq", new Random(3));
        assertTrue(out.contains("zzz qqq"), out);
    }

    @Test
    void isDeterministicForASeed() {
        String a = TrainingParaphrases.rephrase("put a hat on the smallest star", new Random(11));
        assertEquals(a, TrainingParaphrases.rephrase("put a hat on the smallest star", new Random(11)));
        assertTrue(IntStream.range(12, 20).mapToObj(seed -> TrainingParaphrases.rephrase(
                "put a hat on the smallest star", new Random(seed))).anyMatch(other -> !other.equals(a)),
                "other seeds should rephrase otherwise than " + a);
    }
}
