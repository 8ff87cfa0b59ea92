package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;

/**
 * Image-grid tokens (with 2D positions) query the instruction, keeping the spatial layout. Each of the stacked
 * blocks is: {@link Film} by the instruction (so a token can be switched on by "red" and "square" at once), image
 * self-attention (so objects can be compared: "the largest"), cross-attention from image tokens to text tokens
 * (key padding mask), feed-forward; attention and feed-forward are pre-norm residual.
 * {@code NDList(grid [B, d, g, g], tokens [B, T, d], mask [B, T]) -> [B, d, g, g]}.
 */
public final class CrossAttentionFusion extends AbstractBlock {
    private final int side;
    private final int dim;
    private final GridTokens positions;
    private final List<Block> modulation = new ArrayList<>();
    private final List<Block> selfAttention = new ArrayList<>();
    private final List<Block> crossAttention = new ArrayList<>();
    private final List<Block> feedForward = new ArrayList<>();
    private final LayerNorm norm;

    public CrossAttentionFusion(int side, int dim, int layers, int heads) {
        this.side = side;
        this.dim = dim;
        positions = addChildBlock("positions", new GridTokens(side, dim));
        for (int i = 0; i < layers; i++) {
            modulation.add(addChildBlock("film" + i, Film.tokens(dim)));
            selfAttention.add(addChildBlock("self" + i, AttentionResidual.self(dim, heads)));
            crossAttention.add(addChildBlock("cross" + i, AttentionResidual.cross(dim, heads)));
            feedForward.add(addChildBlock("ffn" + i, new FeedForwardResidual(dim, 2 * dim)));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = positions.forward(ps, new NDList(inputs.get(0)), training).head(); // [B, g*g, d]
        NDArray text = inputs.get(1);
        NDArray mask = inputs.get(2);
        for (int i = 0; i < selfAttention.size(); i++) {
            x = modulation.get(i).forward(ps, new NDList(x, text, mask), training).head();
            x = selfAttention.get(i).forward(ps, new NDList(x), training).head();
            x = crossAttention.get(i).forward(ps, new NDList(x, text, mask), training).head();
            x = feedForward.get(i).forward(ps, new NDList(x), training).head();
        }
        x = norm.forward(ps, new NDList(x), training).head();
        return new NDList(Layers.tokensToGrid(x, side)); // [B, d, g, g]
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        positions.initialize(manager, dataType, inputShapes[0]);
        Shape tokens = positions.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        for (int i = 0; i < selfAttention.size(); i++) {
            modulation.get(i).initialize(manager, dataType, tokens, inputShapes[1], inputShapes[2]);
            selfAttention.get(i).initialize(manager, dataType, tokens);
            crossAttention.get(i).initialize(manager, dataType, tokens, inputShapes[1], inputShapes[2]);
            feedForward.get(i).initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim, side, side)};
    }
}
