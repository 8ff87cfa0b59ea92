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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Text encoder {@value #ID}: frozen all-MiniLM-L6-v2 ({@link MiniLm}) per-token states, then a trainable linear
 * adapter from 384 to the fusion width d and a layer norm (the scale the scratch text encoder ends with). It reads
 * WordPiece sub-words, so it also understands words the training instructions never used.
 *
 * <p>Host values are the frozen states {@code [T, 384]} (T = {@code maxTokens}, zero-padded) and the attention mask
 * {@code [T]}; the block maps {@code NDList(states [B, T, 384], mask [B, T])} to
 * {@code NDList(tokens [B, T, d], mask [B, T])}.
 *
 * <p>Cache: {@link #prepare} remembers each distinct instruction's states (up to {@value #CACHE_LIMIT} of them), so
 * repeated instructions and every epoch after the first cost no ONNX call. Each entry holds
 * {@code maxTokens * 385} floats: 24.6 KB at 16 tokens, so the full cache is at most about
 * {@code CACHE_LIMIT * 24.6 KB} = 490 MB and, for 2,000 training scenes (4,000 with flips), under 100 MB.
 */
public final class MiniLmTextEncoder implements TextEncoder {
    public static final String ID = "minilm";
    public static final int CACHE_LIMIT = 20_000;
    /** Sentences per MiniLM call: one call per short sentence costs several times its arithmetic. */
    static final int ENCODE_BATCH = 64;

    private final int maxTokens;
    private final Block block;
    private final Map<String, EncodedText> cache = new ConcurrentHashMap<>();

    public MiniLmTextEncoder(int maxTokens, int dim) {
        this.maxTokens = maxTokens;
        this.block = new Adapter(dim);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Shape inputShape() {
        return new Shape(maxTokens, MiniLm.DIM);
    }

    @Override
    public EncodedText prepare(String instruction) {
        return prepareAll(List.of(instruction)).get(0);
    }

    /** Each distinct instruction the cache lacks goes through MiniLM once, {@value #ENCODE_BATCH} to a call. */
    @Override
    public List<EncodedText> prepareAll(List<String> instructions) {
        Map<String, EncodedText> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String instruction : instructions) {
            if (!found.containsKey(instruction)) {
                EncodedText cached = cache.get(instruction);
                found.put(instruction, cached);
                if (cached == null) {
                    missing.add(instruction);
                }
            }
        }
        for (int from = 0; from < missing.size(); from += ENCODE_BATCH) {
            List<String> part = missing.subList(from, Math.min(missing.size(), from + ENCODE_BATCH));
            MiniLm.TokenStates states = MiniLm.shared().encode(part, maxTokens);
            int t = states.tokens();
            for (int i = 0; i < part.size(); i++) {
                // row i of [B, t, 384] into [maxTokens, 384], zero-padded
                float[] features = new float[maxTokens * MiniLm.DIM];
                System.arraycopy(states.states(), i * t * MiniLm.DIM, features, 0, t * MiniLm.DIM);
                float[] mask = new float[maxTokens];
                System.arraycopy(states.mask(), i * t, mask, 0, t);
                EncodedText encoded = new EncodedText(features, mask);
                found.put(part.get(i), encoded);
                if (cache.size() < CACHE_LIMIT) {
                    cache.put(part.get(i), encoded);
                }
            }
        }
        return instructions.stream().map(found::get).toList();
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
