package org.maskstream.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The word vocabulary of the scratch text encoder: lower-cased words, id 0 is padding, id 1 stands for any word
 * not seen in training. Built from the training instructions in sorted order, so the same data gives the same ids.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNKNOWN = "<unk>";
    public static final int PAD_ID = 0;
    public static final int UNKNOWN_ID = 1;
    /** Ids taken before the first word. */
    public static final int RESERVED = 2;

    private final List<String> words;
    private final Map<String, Integer> ids = new HashMap<>();

    /** @param words index = id; must start with {@link #PAD} and {@link #UNKNOWN} */
    public Vocabulary(List<String> words) {
        if (words.size() < RESERVED || !PAD.equals(words.get(PAD_ID)) || !UNKNOWN.equals(words.get(UNKNOWN_ID))) {
            throw new IllegalArgumentException("a vocabulary starts with " + PAD + " and " + UNKNOWN);
        }
        this.words = List.copyOf(words);
        for (int i = 0; i < words.size(); i++) {
            if (ids.put(words.get(i), i) != null) {
                throw new IllegalArgumentException("vocabulary word '" + words.get(i) + "' appears twice");
            }
        }
    }

    public static Vocabulary build(Collection<String> instructions) {
        TreeSet<String> seen = new TreeSet<>();
        for (String s : instructions) {
            seen.addAll(words(s));
        }
        List<String> all = new ArrayList<>(List.of(PAD, UNKNOWN));
        all.addAll(seen);
        return new Vocabulary(all);
    }

    /** Lower-cased runs of letters and digits; everything else separates words. */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * Ids of the first {@code length} words, padded with {@link #PAD_ID}. An instruction with no word gets one
     * {@link #UNKNOWN_ID} so attention always has a key to look at.
     */
    public int[] encode(String text, int length) {
        int[] out = new int[length];
        List<String> ws = words(text);
        for (int i = 0; i < Math.min(length, ws.size()); i++) {
            out[i] = ids.getOrDefault(ws.get(i), UNKNOWN_ID);
        }
        if (ws.isEmpty()) {
            out[0] = UNKNOWN_ID;
        }
        return out;
    }

    public int size() {
        return words.size();
    }

    public List<String> words() {
        return words;
    }
}
