package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Image grid to attention tokens that know where they are: {@code [B, d, g, g] -> [B, g*g, d]} plus a learned 2D
 * position embedding (a row vector plus a column vector, so "left" and "top" are each one direction to learn).
 * Instructions refer to positions ("the circle on the left"), which attention alone cannot see.
 */
public final class GridTokens extends AbstractBlock {
    private final int side;
    private final int dim;
    private final Parameter rows;
    private final Parameter columns;

    public GridTokens(int side, int dim) {
        this.side = side;
        this.dim = dim;
        rows = addParameter(Parameter.builder().setName("rows").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(side, 1, dim)).optInitializer(new NormalInitializer(0.1f)).build());
        columns = addParameter(Parameter.builder().setName("columns").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1, side, dim)).optInitializer(new NormalInitializer(0.1f)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray grid = inputs.head();
        if (grid.getShape().get(2) != side || grid.getShape().get(3) != side) {
            throw new IllegalArgumentException("expected a " + side + "x" + side + " grid, got " + grid.getShape());
        }
        NDArray r = ps.getValue(rows, grid.getDevice(), training);
        NDArray c = ps.getValue(columns, grid.getDevice(), training);
        long b = grid.getShape().get(0);
        // Start from the grid so the results live in the caller's (per-batch) manager, not the parameters'.
        NDArray tokens = Layers.gridToTokens(grid).reshape(b, side, side, dim); // [B, g, g, d]
        return new NDList(tokens.add(r).add(c).reshape(b, (long) side * side, dim)); // [B, g*g, d]
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), (long) side * side, dim)};
    }
}
