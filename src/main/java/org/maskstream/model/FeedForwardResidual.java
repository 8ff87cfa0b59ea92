package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A pre-norm residual feed-forward sub-layer: {@code x + W2 relu(W1 norm(x))}, {@code [B, T, d] -> [B, T, d]}. */
public final class FeedForwardResidual extends AbstractBlock {
    private final SequentialBlock body;

    public FeedForwardResidual(int dim, int hidden) {
        body = addChildBlock("body", new SequentialBlock()
                .add(LayerNorm.builder().axis(2).build())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(dim).build()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(inputs.head().add(body.forward(ps, new NDList(inputs.head()), training).head()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
