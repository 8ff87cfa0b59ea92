package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text encoders {@value #MINILM_ID} and {@value #E5_SMALL_ID}: the per-token states of a frozen pretrained sentence
 * encoder ({@link FrozenTextModel}: all-MiniLM-L6-v2 or e5-small-v2), then a trainable linear adapter from 384 to the
 * fusion width d and a layer norm (the scale the scratch text encoder ends with). They read WordPiece sub-words, so
 * they also understand words the training instructions never used.
 *
 * <p>Host values are the frozen states {@code [T, 384]} (T = {@code maxTokens}, zero-padded) and the attention mask
 * {@code [T]}; the block maps {@code NDList(states [B, T, 384], mask [B, T])} to
 * {@code NDList(tokens [B, T, d], mask [B, T])}.
 *
 * <p>Cache: {@link #prepare} remembers each distinct instruction's states (up to {@value #CACHE_LIMIT} of them; when
 * full, it evicts the least useful by Caffeine's frequency-and-recency policy), so repeated instructions and every
 * epoch after the first cost no ONNX call. The states depend only on the sentence and {@code maxTokens}, not on the
 * trained adapter, so the cache belongs to the process, like {@link FrozenTextModel} itself: a model version swapped
 * into a running job, a fine-tuning run and the model it started from all reuse what any of them encoded. Each entry
 * holds {@code maxTokens * 385} floats: 24.6 KB at 16 tokens, so the full cache is at most about
 * {@code CACHE_LIMIT * 24.6 KB} = 490 MB and, for 2,000 training scenes (4,000 with flips), under 100 MB.
 */
public final class FrozenTextEncoder implements TextEncoder {
    public static final String MINILM_ID = "minilm";
    public static final String E5_SMALL_ID = "e5-small";
    /** Every id {@link #of} knows. */
    public static final List<String> IDS = List.of(MINILM_ID, E5_SMALL_ID);
    public static final int CACHE_LIMIT = 20_000;
    /** Sentences per encoder call: one call per short sentence costs several times its arithmetic. */
    static final int ENCODE_BATCH = 64;

    /** Keyed by {@link #cacheKey}: the states of one sentence by one set of weights, cut to one {@code maxTokens}. */
    // size-bounded with eviction: a full cache still takes the new instructions a long-running job meets, and
    // training's one-off rephrasings are what it drops first
    private static final Cache<String, EncodedText> CACHE = Caffeine.newBuilder().maximumSize(CACHE_LIMIT).build();

    private final String id;
    private final FrozenTextModel.Weights weights;
    private final int maxTokens;
    private final Block block;

    /**
     * Forgets every cached state, so that the next {@link #prepare} pays what it pays in a fresh process: an
     * experiment that trains or times several models in one process measures each as a separate run would be.
     */
    public static void clearCache() {
        CACHE.invalidateAll();
    }

    private FrozenTextEncoder(String id, FrozenTextModel.Weights weights, int maxTokens, int dim) {
        this.id = id;
        this.weights = weights;
        this.maxTokens = maxTokens;
        this.block = new Adapter(dim);
    }

    /** The encoder of {@code id}, or null when {@code id} names none of them. */
    public static FrozenTextEncoder of(String id, int maxTokens, int dim) {
        FrozenTextModel.Weights weights = weightsOf(id);
        return weights == null ? null : new FrozenTextEncoder(id, weights, maxTokens, dim);
    }

    /** The pretrained weights {@code id} reads, or null when {@code id} names none of these encoders. */
    public static FrozenTextModel.Weights weightsOf(String id) {
        return switch (id) {
            case MINILM_ID -> FrozenTextModel.Weights.MINILM_L6;
            case E5_SMALL_ID -> FrozenTextModel.Weights.E5_SMALL;
            default -> null;
        };
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Shape inputShape() {
        return new Shape(maxTokens, FrozenTextModel.DIM);
    }

    @Override
    public EncodedText prepare(String instruction) {
        return prepareAll(List.of(instruction)).get(0);
    }

    /** Each distinct instruction the cache lacks goes through the frozen model once, {@value #ENCODE_BATCH} a call. */
    @Override
    public List<EncodedText> prepareAll(List<String> instructions) {
        Map<String, EncodedText> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String instruction : instructions) {
            if (!found.containsKey(instruction)) {
                EncodedText cached = CACHE.getIfPresent(cacheKey(instruction));
                found.put(instruction, cached);
                if (cached == null) {
                    missing.add(instruction);
                }
            }
        }
        for (int from = 0; from < missing.size(); from += ENCODE_BATCH) {
            List<String> part = missing.subList(from, Math.min(missing.size(), from + ENCODE_BATCH));
            FrozenTextModel.TokenStates states = FrozenTextModel.shared(weights).encode(part, maxTokens);
            int t = states.tokens();
            for (int i = 0; i < part.size(); i++) {
                // row i of [B, t, 384] into [maxTokens, 384], zero-padded
                float[] features = new float[maxTokens * FrozenTextModel.DIM];
                System.arraycopy(states.states(), i * t * FrozenTextModel.DIM, features, 0, t * FrozenTextModel.DIM);
                float[] mask = new float[maxTokens];
                System.arraycopy(states.mask(), i * t, mask, 0, t);
                EncodedText encoded = new EncodedText(features, mask);
                found.put(part.get(i), encoded);
                CACHE.put(cacheKey(part.get(i)), encoded);
            }
        }
        return instructions.stream().map(found::get).toList();
    }

    private String cacheKey(String instruction) {
        return id + ":" + maxTokens + ":" + instruction;
    }

    @Override
    public Block block() {
        return block;
    }

    /** {@code NDList(states [B, T, 384], mask [B, T]) -> NDList(tokens [B, T, d], mask [B, T])}. */
    private static final class Adapter extends AbstractBlock {
        private final int dim;
        private final Block linear;
        private final Block norm;

        Adapter(int dim) {
            this.dim = dim;
            linear = addChildBlock("linear", Linear.builder().setUnits(dim).build());
            norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDList tokens = linear.forward(ps, new NDList(inputs.get(0)), training); // [B, T, d]
            return new NDList(norm.forward(ps, tokens, training).head(), inputs.get(1));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            linear.initialize(manager, dataType, inputShapes[0]);
            norm.initialize(manager, dataType, tokensShape(inputShapes[0]));
        }

        private Shape tokensShape(Shape states) {
            return new Shape(states.get(0), states.get(1), dim);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {tokensShape(inputShapes[0]), inputShapes[1]};
        }
    }
}
