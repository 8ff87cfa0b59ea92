package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MaskNet} with its parameters, ready for inference. Each {@link #predict} call works in its own
 * sub-manager, so every NDArray of a batch is freed when the call returns.
 */
final class DjlMaskModel implements MaskModel {
    private final MaskNet net;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final String version;

    DjlMaskModel(MaskNet net, NDManager manager, String version) {
        this.net = net;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
        this.version = version;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int inputSize() {
        return net.config().inputSize();
    }

    @Override
    public float threshold() {
        return net.config().threshold();
    }

    @Override
    public List<float[]> predict(List<BufferedImage> images, List<String> instructions) {
        Batches.requirePairs(images, instructions);
        if (images.isEmpty()) {
            return List.of();
        }
        List<PreparedExample> batch = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            batch.add(Batches.prepare(net, images.get(i), instructions.get(i), null));
        }
        try (NDManager scope = manager.newSubManager()) {
            NDList logits = net.forward(parameters, Batches.inputs(scope, net, batch), false);
            return Batches.probabilities(logits.head());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
