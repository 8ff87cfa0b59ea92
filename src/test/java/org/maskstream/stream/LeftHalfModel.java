package org.maskstream.stream;

import org.maskstream.model.MaskModel;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Predicts the left half of every image; fails any batch that holds {@code breaksTheModel}, or every batch
 * of more than one while {@code batchesFail} is set. Counts the batches it was given.
 */
class LeftHalfModel implements MaskModel {
    private final String breaksTheModel;
    private final boolean batchesFail;
    private final List<Integer> batchSizes = new ArrayList<>();

    LeftHalfModel(String breaksTheModel, boolean batchesFail) {
        this.breaksTheModel = breaksTheModel;
        this.batchesFail = batchesFail;
    }

    @Override
    public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
        synchronized (this) {
            batchSizes.add(images.size());
        }
        if (instructions.contains(breaksTheModel) || (batchesFail && images.size() > 1)) {
            throw new IllegalStateException("injected failure for a batch of " + images.size());
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            float[] p = new float[inputSize() * inputSize()];
            for (int y = 0; y < inputSize(); y++) {
                Arrays.fill(p, y * inputSize(), y * inputSize() + inputSize() / 2, 1f);
            }
            out.add(p);
        }
        return out;
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public int inputSize() {
        return TestRequests.SIZE;
    }

    @Override
    public float threshold() {
        return 0.5f;
    }

    /** The size of each batch it was given, in order. */
    synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    @Override
    public void close() {
    }
}
