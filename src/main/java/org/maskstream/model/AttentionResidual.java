package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm residual attention sub-layer: {@code x + attention(norm(x), norm(memory), mask)}.
 *
 * <p>Self-attention reads {@code NDList(x [B, T, d])} or {@code NDList(x, mask [B, T])}; cross-attention reads
 * {@code NDList(x [B, Tq, d], memory [B, Tk, d])} or with {@code memoryMask [B, Tk]}. Output: {@code [B, Tq, d]}.
 */
public final class AttentionResidual extends AbstractBlock {
    private final boolean self;
    private final LayerNorm queryNorm;
    private final LayerNorm memoryNorm;
    private final MultiHeadAttention attention;

    private AttentionResidual(boolean self, int dim, int heads) {
        this.self = self;
        queryNorm = addChildBlock("query_norm", LayerNorm.builder().axis(2).build());
        memoryNorm = self ? null : addChildBlock("memory_norm", LayerNorm.builder().axis(2).build());
        attention = addChildBlock("attention", new MultiHeadAttention(dim, heads));
    }

    public static AttentionResidual self(int dim, int heads) {
        return new AttentionResidual(true, dim, heads);
    }

    public static AttentionResidual cross(int dim, int heads) {
        return new AttentionResidual(false, dim, heads);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray q = queryNorm.forward(ps, new NDList(x), training).head();
        NDArray memory = self ? q : memoryNorm.forward(ps, new NDList(inputs.get(1)), training).head();
        int maskAt = self ? 1 : 2;
        NDList attnIn = inputs.size() > maskAt ? new NDList(q, memory, inputs.get(maskAt)) : new NDList(q, memory);
        return new NDList(x.add(attention.forward(ps, attnIn, training).head()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        queryNorm.initialize(manager, dataType, inputShapes[0]);
        Shape memory = self ? inputShapes[0] : inputShapes[1];
        if (!self) {
            memoryNorm.initialize(manager, dataType, memory);
        }
        attention.initialize(manager, dataType, inputShapes[0], memory);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
