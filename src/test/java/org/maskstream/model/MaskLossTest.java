package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each loss against values worked out by hand from the Javadoc formulas (per pixel
 * {@code bce = max(x,0) - xy + log(1 + e^-|x|)}, {@code p = sigmoid(x)}).
 */
class MaskLossTest {
    private static final double TOLERANCE = 1e-5;

    /** logits [[0, 2], [-1, 3]] against truth [[1, 0], [0, 1]]. */
    private static float loss(LossKind kind) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList logits = new NDList(m.create(new float[] {0, 2, -1, 3}, new Shape(1, 1, 2, 2)));
            NDList truth = new NDList(m.create(new float[] {1, 0, 0, 1}, new Shape(1, 1, 2, 2)));
            return new MaskLoss(kind).evaluate(truth, logits).getFloat();
        }
    }

    @Test
    void bceIsTheMeanOfThePixelCrossEntropies() {
        // (log 2 + (2 + log(1 + e^-2)) + log(1 + e^-1) + log(1 + e^-3)) / 4
        assertEquals(0.7954810577, loss(LossKind.BCE), TOLERANCE);
    }

    @Test
    void bceIouAddsOneMinusSmoothedSoftJaccard() {
        // p = (0.5, 0.8808, 0.2689, 0.9526): I = 1.4526, U = 2.6023 + 2 - I = 3.1497; 1 - 2.4526 / 4.1497 = 0.40898
        assertEquals(0.7954810577 + 0.4089810412, loss(LossKind.BCE_IOU), TOLERANCE);
    }

    @Test
    void bceDiceAddsOneMinusSmoothedDice() {
        // 1 - (2 * 1.4526 + 1) / (2.6023 + 2 + 1) = 0.30294
        assertEquals(0.7954810577 + 0.3029399617, loss(LossKind.BCE_DICE), TOLERANCE);
    }

    @Test
    void bceBoundaryCountsTheEdgeBandTwice() {
        // every pixel of a 2x2 diagonal mask is within one step of an edge: the band is the whole image
        assertEquals(2 * 0.7954810577, loss(LossKind.BCE_BOUNDARY), TOLERANCE);
        try (NDManager m = NDManager.newBaseManager()) {
            // a 1x5 strip, truth 0 0 1 1 1: dilated 0 1 1 1 1, eroded 0 0 0 1 1, band = pixels 1 and 2
            NDList logits = new NDList(m.create(new float[] {-2, 1, 0.5f, 2, 4}, new Shape(1, 1, 1, 5)));
            NDList truth = new NDList(m.create(new float[] {0, 0, 1, 1, 1}, new Shape(1, 1, 1, 5)));
            assertEquals(0.4118689243, new MaskLoss(LossKind.BCE).evaluate(truth, logits).getFloat(), TOLERANCE);
            assertEquals(1.3055382602, new MaskLoss(LossKind.BCE_BOUNDARY).evaluate(truth, logits).getFloat(),
                    TOLERANCE);
        }
    }

    @Test
    void bceStaysFiniteForHugeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList logits = new NDList(m.create(new float[] {1000, -1000}, new Shape(1, 1, 1, 2)));
            NDList truth = new NDList(m.create(new float[] {0, 1}, new Shape(1, 1, 1, 2)));
            float value = new MaskLoss(LossKind.BCE).evaluate(truth, logits).getFloat();
            assertTrue(Float.isFinite(value));
            assertEquals(1000, value, 1e-3);
        }
    }
}
