package org.maskstream.grounding;

import org.maskstream.model.FrozenTextModel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A word to the COCO class whose name is most similar to it under all-MiniLM-L6-v2 (mean-pooled token states,
 * cosine similarity, the way the encoder was trained for sentence similarity), when that similarity reaches
 * {@link #THRESHOLD}. It catches words the synonym table lacks ("puppy", "sofa", "automobile"), misspellings and
 * compounds split by the tokenizer ("cellphone").
 */
public final class MiniLmClassMatcher implements ClassMatcher {
    /**
     * Chosen on words outside the MagicBrush sample (see {@code InstructionGrounderTest}): class words and their
     * near-synonyms score above it (puppy 0.80, sofa 0.86, cellphone 0.96, notebook 0.74 to laptop), scene words
     * below (road 0.58 to truck, water 0.58 to bottle, sky 0.53 to airplane), as do loose associations (cheese 0.62
     * to pizza, toy 0.63 to teddy bear).
     */
    public static final double THRESHOLD = 0.65;
    private static final int MAX_TOKENS = 16;

    private final FrozenTextModel lm;
    private final float[][] classVectors;
    private final Map<String, Integer> cache = new ConcurrentHashMap<>();

    public MiniLmClassMatcher(FrozenTextModel lm) {
        this.lm = lm;
        this.classVectors = lm.sentenceEmbeddings(CocoClasses.NAMES, MAX_TOKENS);
    }

    @Override
    public int classOf(String word) {
        return cache.computeIfAbsent(word, w -> {
            Match m = best(w);
            return m.similarity() >= THRESHOLD ? m.classId() : -1;
        });
    }

    /** The most similar class and its similarity. */
    public record Match(int classId, double similarity) {
    }

    public Match best(String word) {
        FrozenTextModel.Nearest n = FrozenTextModel.nearest(lm.sentenceEmbeddings(List.of(word), MAX_TOKENS)[0],
                classVectors);
        return new Match(n.index(), n.similarity());
    }
}
