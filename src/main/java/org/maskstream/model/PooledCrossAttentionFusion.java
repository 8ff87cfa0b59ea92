package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * The study's cross-attention: text tokens query the image grid (with 2D positions), the answers are averaged over
 * the real tokens into one vector, decoded from 1x1. Stacked blocks of cross-attention + feed-forward.
 * {@code NDList(grid [B, d, g, g], tokens [B, T, d], mask [B, T]) -> [B, d, 1, 1]}.
 */
public final class PooledCrossAttentionFusion extends AbstractBlock {
    private final int dim;
    private final GridTokens positions;
    private final List<Block> crossAttention = new ArrayList<>();
    private final List<Block> feedForward = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear joint;

    public PooledCrossAttentionFusion(int side, int dim, int layers, int heads) {
        this.dim = dim;
        positions = addChildBlock("positions", new GridTokens(side, dim));
        for (int i = 0; i < layers; i++) {
            crossAttention.add(addChildBlock("cross" + i, AttentionResidual.cross(dim, heads)));
            feedForward.add(addChildBlock("ffn" + i, new FeedForwardResidual(dim, 2 * dim)));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        joint = addChildBlock("joint", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray image = positions.forward(ps, new NDList(inputs.get(0)), training).head(); // [B, g*g, d]
        NDArray x = inputs.get(1); // [B, T, d]
        NDArray mask = inputs.get(2);
        for (int i = 0; i < crossAttention.size(); i++) {
            x = crossAttention.get(i).forward(ps, new NDList(x, image), training).head();
            x = feedForward.get(i).forward(ps, new NDList(x), training).head();
        }
        x = norm.forward(ps, new NDList(x), training).head();
        NDArray pooled = Layers.maskedMean(x, mask); // [B, d]
        NDArray fused = Activation.relu(joint.forward(ps, new NDList(pooled), training).head());
        return new NDList(fused.reshape(fused.getShape().get(0), dim, 1, 1)); // [B, d, 1, 1]
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        positions.initialize(manager, dataType, inputShapes[0]);
        Shape image = positions.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        Shape tokens = inputShapes[1];
        for (int i = 0; i < crossAttention.size(); i++) {
            crossAttention.get(i).initialize(manager, dataType, tokens, image);
            feedForward.get(i).initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        joint.initialize(manager, dataType, new Shape(tokens.get(0), dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim, 1, 1)};
    }
}
