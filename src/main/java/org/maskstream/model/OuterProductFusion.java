package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The study's "cross product": projected mean image and mean text vectors multiplied into a {@code d x d} map of
 * every feature pair, read by three stride-2 convolutions and a linear layer (flattened, because a cell's position
 * names its feature pair). {@code NDList(grid [B, d, g, g], tokens [B, T, d], mask [B, T]) -> [B, d, 1, 1]}.
 */
public final class OuterProductFusion extends AbstractBlock {
    private final int dim;
    private final Linear imageProjection;
    private final Linear textProjection;
    private final SequentialBlock reader;
    private final Linear joint;

    public OuterProductFusion(int dim) {
        this.dim = dim;
        imageProjection = addChildBlock("image_projection", Linear.builder().setUnits(dim).build());
        textProjection = addChildBlock("text_projection", Linear.builder().setUnits(dim).build());
        reader = addChildBlock("reader", new SequentialBlock()
                .add(Layers.convBnRelu(8, 2))
                .add(Layers.convBnRelu(16, 2))
                .add(Layers.convBnRelu(16, 2)));
        joint = addChildBlock("joint", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray image = imageProjection.forward(ps, new NDList(Layers.spatialMean(inputs.get(0))), training)
                .head(); // [B, d]
        NDArray text = textProjection.forward(ps, new NDList(Layers.maskedMean(inputs.get(1), inputs.get(2))),
                training).head(); // [B, d]
        long b = image.getShape().get(0);
        NDArray outer = image.reshape(b, 1, dim, 1).matMul(text.reshape(b, 1, 1, dim)); // [B, 1, d, d]
        NDArray read = reader.forward(ps, new NDList(outer), training).head(); // [B, 16, d/8, d/8]
        NDArray fused = joint.forward(ps, new NDList(read.reshape(b, -1)), training).head(); // [B, d]
        return new NDList(Activation.relu(fused).reshape(b, dim, 1, 1)); // [B, d, 1, 1]
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        imageProjection.initialize(manager, dataType, new Shape(b, inputShapes[0].get(1)));
        textProjection.initialize(manager, dataType, new Shape(b, inputShapes[1].get(2)));
        Shape outer = new Shape(b, 1, dim, dim);
        reader.initialize(manager, dataType, outer);
        joint.initialize(manager, dataType, new Shape(b, reader.getOutputShapes(new Shape[] {outer})[0].size() / b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim, 1, 1)};
    }
}
