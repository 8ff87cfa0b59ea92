package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head scaled dot-product attention with an optional key padding mask.
 *
 * <p>Input {@code NDList(query [B, Tq, d], memory [B, Tk, d])} or with a third {@code keyMask [B, Tk]} (1 = attend,
 * 0 = padding); output {@code [B, Tq, d]}. Padding gets a large finite negative score rather than minus infinity,
 * so a row never becomes NaN.
 */
public final class MultiHeadAttention extends AbstractBlock {
    private static final float MASKED_SCORE = -1e4f;

    private final int dim;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    public MultiHeadAttention(int dim, int heads) {
        if (heads < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("attention heads (" + heads + ") must divide dim (" + dim + ")");
        }
        this.dim = dim;
        this.heads = heads;
        query = addChildBlock("query", Linear.builder().setUnits(dim).build());
        key = addChildBlock("key", Linear.builder().setUnits(dim).build());
        value = addChildBlock("value", Linear.builder().setUnits(dim).build());
        output = addChildBlock("output", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray q = split(query.forward(ps, new NDList(inputs.get(0)), training).head()); // [B, h, Tq, dk]
        NDArray k = split(key.forward(ps, new NDList(inputs.get(1)), training).head()); // [B, h, Tk, dk]
        NDArray v = split(value.forward(ps, new NDList(inputs.get(1)), training).head()); // [B, h, Tk, dk]
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(dim / (double) heads)); // [B, h, Tq, Tk]
        if (inputs.size() > 2) {
            NDArray keyMask = inputs.get(2);
            Shape ms = keyMask.getShape();
            NDArray bias = keyMask.sub(1f).mul(-MASKED_SCORE).reshape(ms.get(0), 1, 1, ms.get(1)); // [B, 1, 1, Tk]
            scores = scores.add(bias);
        }
        NDArray attended = scores.softmax(-1).matMul(v); // [B, h, Tq, dk]
        Shape qs = inputs.get(0).getShape();
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(qs.get(0), qs.get(1), dim); // [B, Tq, d]
        return output.forward(ps, new NDList(merged), training);
    }

    /** {@code [B, T, d] -> [B, heads, T, d/heads]}. */
    private NDArray split(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, dim / heads).transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        query.initialize(manager, dataType, inputShapes[0]);
        key.initialize(manager, dataType, inputShapes[1]);
        value.initialize(manager, dataType, inputShapes[1]);
        output.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1), dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), dim)};
    }
}
