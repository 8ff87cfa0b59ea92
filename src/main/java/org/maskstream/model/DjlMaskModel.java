package org.maskstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MaskNet} with its parameters, ready for inference. Each {@link #predict} call works in its own
 * sub-manager, so every NDArray of a batch is freed when the call returns.
 */
final class DjlMaskModel implements MaskModel {
    /**
     * libtorch keeps its intra-op thread count per thread (OpenMP). A thread whose first operation is a convolution
     * runs it with one OpenMP thread per core, whatever {@code ai.djl.pytorch.num_threads} says: each batcher thread
     * of the job started an extra spinning thread (seen in /proc in experiment bench, docs/results/bench.md). Asking
     * for the count first makes libtorch apply the configured one to this thread.
     */
    private static final ThreadLocal<Boolean> THREADS_APPLIED = ThreadLocal.withInitial(() -> false);

    private final MaskNet net;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final String version;
    private final PriorSource prior;

    /** @param prior the network's prior source; {@code null} for a network without a prior channel */
    DjlMaskModel(MaskNet net, NDManager manager, String version, PriorSource prior) {
        if (net.config().hasPrior() != (prior != null)) {
            throw new IllegalArgumentException("a network " + (prior == null ? "with" : "without")
                    + " a prior channel needs " + (prior == null ? "a" : "no") + " prior source");
        }
        this.net = net;
        this.manager = manager;
        this.parameters = new ParameterStore(manager, false);
        this.version = version;
        this.prior = prior;
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
        if (!THREADS_APPLIED.get()) {
            JniUtils.setNumThreads(JniUtils.getNumThreads());
            THREADS_APPLIED.set(true);
        }
        // the whole micro-batch goes through the prior source (the detector) in one call
        List<float[]> priors = prior == null ? null : prior.priors(images, instructions, net.config().inputSize());
        List<TextEncoder.EncodedText> texts = net.textEncoder().prepareAll(instructions);
        List<PreparedExample> batch = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            batch.add(Batches.prepare(net, images.get(i), texts.get(i), null, priors == null ? null : priors.get(i)));
        }
        try (NDManager scope = manager.newSubManager()) {
            NDList logits = net.forward(parameters, Batches.inputs(scope, net, batch), false);
            return Batches.probabilities(logits.head());
        }
    }

    @Override
    public void close() {
        try {
            if (prior != null) {
                prior.close();
            }
        } finally {
            manager.close();
        }
    }
}
