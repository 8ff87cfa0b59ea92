package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * Words of the training instructions, learned: token embeddings plus learned positions, then a small transformer
 * encoder (pre-norm self-attention with a key padding mask, feed-forward) and a final layer norm.
 *
 * <p>Host values are token ids as floats ({@code [T]}, exact below 2^24); the block maps
 * {@code NDList(ids [B, T], mask [B, T])} to {@code NDList(tokens [B, T, d], mask [B, T])}.
 */
public final class ScratchTextEncoder implements TextEncoder {
    private final Vocabulary vocabulary;
    private final int maxTokens;
    private final Block block;

    public ScratchTextEncoder(Vocabulary vocabulary, int maxTokens, int dim, int layers, int heads) {
        this.vocabulary = vocabulary;
        this.maxTokens = maxTokens;
        this.block = new Net(vocabulary.size(), maxTokens, dim, layers, heads);
    }

    @Override
    public String id() {
        return ModelConfig.SCRATCH;
    }

    @Override
    public Shape inputShape() {
        return new Shape(maxTokens);
    }

    @Override
    public EncodedText prepare(String instruction) {
        int[] ids = vocabulary.encode(instruction, maxTokens);
        float[] features = new float[maxTokens];
        float[] mask = new float[maxTokens];
        for (int i = 0; i < maxTokens; i++) {
            features[i] = ids[i];
            mask[i] = ids[i] == Vocabulary.PAD_ID ? 0f : 1f;
        }
        return new EncodedText(features, mask);
    }

    @Override
    public Block block() {
        return block;
    }

    private static final class Net extends AbstractBlock {
        private final int dim;
        private final Parameter embedding;
        private final Parameter positions;
        private final List<Block> layers = new ArrayList<>();
        private final LayerNorm norm;

        Net(int vocabularySize, int maxTokens, int dim, int layerCount, int heads) {
            this.dim = dim;
            embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(vocabularySize, dim)).optInitializer(new NormalInitializer(0.1f)).build());
            positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(maxTokens, dim)).optInitializer(new NormalInitializer(0.1f)).build());
            for (int i = 0; i < layerCount; i++) {
                layers.add(addChildBlock("self" + i, AttentionResidual.self(dim, heads)));
                layers.add(addChildBlock("ffn" + i, new FeedForwardResidual(dim, 2 * dim)));
            }
            norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            NDArray ids = inputs.get(0).toType(DataType.INT64, false); // [B, T]
            NDArray mask = inputs.get(1); // [B, T]
            NDArray table = ps.getValue(embedding, ids.getDevice(), training);
            NDArray x = ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).head(); // [B, T, d]
            x = x.add(ps.getValue(positions, ids.getDevice(), training)); // [B, T, d]
            for (int i = 0; i < layers.size(); i += 2) {
                x = layers.get(i).forward(ps, new NDList(x, mask), training).head();
                x = layers.get(i + 1).forward(ps, new NDList(x), training).head();
            }
            return new NDList(norm.forward(ps, new NDList(x), training).head(), mask);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape tokens = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), dim);
            for (Block layer : layers) {
                layer.initialize(manager, dataType, tokens, inputShapes[1]);
            }
            norm.initialize(manager, dataType, tokens);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), dim), inputShapes[1]};
        }
    }
}
