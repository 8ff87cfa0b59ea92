package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The study's baseline: the mean image feature joined with the mean text feature, through one linear layer.
 * {@code NDList(grid [B, d, g, g], tokens [B, T, d], mask [B, T]) -> [B, d, 1, 1]}.
 */
public final class ConcatFusion extends AbstractBlock {
    private final int dim;
    private final Linear joint;

    public ConcatFusion(int dim) {
        this.dim = dim;
        joint = addChildBlock("joint", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray image = Layers.spatialMean(inputs.get(0)); // [B, d]
        NDArray text = Layers.maskedMean(inputs.get(1), inputs.get(2)); // [B, d]
        NDArray both = NDArrays.concat(new NDList(image, text), 1); // [B, 2d]
        NDArray fused = Activation.relu(joint.forward(ps, new NDList(both), training).head()); // [B, d]
        return new NDList(fused.reshape(fused.getShape().get(0), dim, 1, 1)); // [B, d, 1, 1]
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        joint.initialize(manager, dataType, new Shape(inputShapes[0].get(0), inputShapes[0].get(1) * 2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim, 1, 1)};
    }
}
