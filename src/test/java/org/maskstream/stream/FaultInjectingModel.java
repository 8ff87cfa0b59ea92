package org.maskstream.stream;

import org.maskstream.model.MaskModel;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Consumer;

/** A real model with a test switch in front of {@link #predict}: it sees each batch's instructions first. */
final class FaultInjectingModel implements MaskModel {
    private final MaskModel delegate;
    private final Consumer<List<String>> beforePredict;

    /** @param beforePredict may throw (a failing batch) or block (a stalled one) */
    FaultInjectingModel(MaskModel delegate, Consumer<List<String>> beforePredict) {
        this.delegate = delegate;
        this.beforePredict = beforePredict;
    }

    @Override
    public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
        beforePredict.accept(instructions);
        return delegate.predict(images, instructions);
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public int inputSize() {
        return delegate.inputSize();
    }

    @Override
    public float threshold() {
        return delegate.threshold();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
