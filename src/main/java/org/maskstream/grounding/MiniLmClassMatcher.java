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
        this.classVectors = embed(CocoClasses.NAMES);
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
        float[] v = embed(List.of(word))[0];
        int best = -1;
        double bestSim = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classVectors.length; c++) {
            double s = 0;
            for (int k = 0; k < v.length; k++) {
                s += v[k] * classVectors[c][k];
            }
            if (s > bestSim) {
                bestSim = s;
                best = c;
            }
        }
        return new Match(best, bestSim);
    }

    /** Unit-length mean-pooled sentence vectors, {@code [B][384]}. */
    private float[][] embed(List<String> texts) {
        FrozenTextModel.TokenStates st = lm.encode(texts, MAX_TOKENS);
        float[][] out = new float[st.batch()][FrozenTextModel.DIM];
        for (int b = 0; b < st.batch(); b++) {
            double norm = 0;
            float count = 0;
            for (int t = 0; t < st.tokens(); t++) {
                float m = st.mask()[b * st.tokens() + t];
                count += m;
                for (int k = 0; k < FrozenTextModel.DIM; k++) {
                    out[b][k] += m * st.states()[(b * st.tokens() + t) * FrozenTextModel.DIM + k];
                }
            }
            for (int k = 0; k < FrozenTextModel.DIM; k++) {
                out[b][k] /= count;
                norm += out[b][k] * out[b][k];
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int k = 0; k < FrozenTextModel.DIM; k++) {
                out[b][k] *= inv;
            }
        }
        return out;
    }
}
