package org.maskstream.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.maskstream.data.Example;
import org.maskstream.data.Images;
import org.maskstream.data.Mask;
import org.maskstream.model.Batches;
import org.maskstream.model.MaskNet;
import org.maskstream.model.PreparedExample;
import org.maskstream.model.PriorSource;
import org.maskstream.model.PriorSources;
import org.maskstream.model.ProbabilityMap;
import org.maskstream.model.SavedModel;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model alone (part 1): the work one inference subtask does per request, in a loop on this thread with no
 * Flink or Kafka around it, each step timed on its own. The steps are those of {@code BatchOutcomes} and
 * {@code Predictions}: decode the PNG, resize to the input size, host tensors and NDArrays, the forward pass (with
 * the sigmoid and the copy back), the mask brought to the image size and PNG-encoded, and the IoU against the true
 * mask. A grounded network (one with a prior channel) also asks its prior source (the COCO detector) for each
 * batch's prior maps, timed as its own step.
 */
final class BareModel implements AutoCloseable {
    /** Milliseconds per request spent in each step; {@code forward} is the batch's forward time over its size. */
    record Stages(double decode, double resize, double prior, double tensor, double forward, double maskPng,
                  double iou) {
        double total() {
            return decode + resize + prior + tensor + forward + maskPng + iou;
        }
    }

    /**
     * @param forwardImagesPerSecond images per second of the forward pass alone
     * @param pathImagesPerSecond    images per second of every step together
     * @param batchForwardMs         one batch's forward pass, milliseconds
     */
    record Run(int batch, double forwardImagesPerSecond, double pathImagesPerSecond, double batchForwardMs,
               Stages perRequest) {
    }

    private record Request(byte[] image, String instruction, byte[] mask) {
    }

    private final NDManager manager;
    private final MaskNet net;
    private final ParameterStore parameters;
    private final PriorSource priorSource;
    private final List<Request> requests = new ArrayList<>();

    BareModel(Path model, List<Example> traffic) {
        manager = NDManager.newBaseManager();
        try {
            net = SavedModel.loadNet(model, manager);
            priorSource = net.config().hasPrior() ? PriorSources.open(net.config().prior()) : null;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        parameters = new ParameterStore(manager, false);
        for (Example e : traffic) {
            requests.add(new Request(Images.encodePng(e.image()), e.instruction(), Images.encodePng(e.mask().toImage())));
        }
    }

    /** {@code batches} batches of {@code batch} requests (taken round-robin from the traffic), timed step by step. */
    Run run(int batch, int batches) {
        int size = net.config().inputSize();
        float threshold = net.config().threshold();
        long[] nanos = new long[7];
        int next = 0;
        for (int n = 0; n < batches; n++) {
            List<Request> group = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                group.add(requests.get(next++ % requests.size()));
            }
            long t0 = System.nanoTime();
            List<BufferedImage> images = new ArrayList<>(batch);
            for (Request r : group) {
                images.add(Images.decode(r.image));
            }
            long t1 = System.nanoTime();
            List<BufferedImage> resized = new ArrayList<>(batch);
            for (BufferedImage image : images) {
                resized.add(image.getWidth() == size && image.getHeight() == size ? image
                        : Images.resizeSquare(image, size));
            }
            long t2 = System.nanoTime();
            // the job's model asks its prior source with the decoded images, one call per batch
            List<float[]> priors = priorSource == null ? null : priorSource.priors(images,
                    group.stream().map(Request::instruction).toList(), size);
            long tPrior = System.nanoTime();
            try (NDManager scope = manager.newSubManager()) {
                List<PreparedExample> prepared = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    prepared.add(Batches.prepare(net, resized.get(i), group.get(i).instruction, null,
                            priors == null ? null : priors.get(i)));
                }
                NDList inputs = Batches.inputs(scope, net, prepared);
                long t3 = System.nanoTime();
                List<float[]> probabilities = Batches.probabilities(net.forward(parameters, inputs, false).head());
                long t4 = System.nanoTime();
                List<Mask> masks = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    BufferedImage image = images.get(i);
                    Mask mask = ProbabilityMap.toMask(probabilities.get(i), size, threshold, image.getWidth(),
                            image.getHeight());
                    Images.encodePng(mask.toImage());
                    masks.add(mask);
                }
                long t5 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    masks.get(i).iouCounts(Mask.fromImage(Images.decode(group.get(i).mask)));
                }
                long t6 = System.nanoTime();
                long[] ends = {t1, t2, tPrior, t3, t4, t5, t6};
                long start = t0;
                for (int s = 0; s < ends.length; s++) {
                    nanos[s] += ends[s] - start;
                    start = ends[s];
                }
            }
        }
        double requestsDone = (double) batch * batches;
        double[] ms = new double[nanos.length];
        for (int s = 0; s < ms.length; s++) {
            ms[s] = nanos[s] / 1e6 / requestsDone;
        }
        Stages stages = new Stages(ms[0], ms[1], ms[2], ms[3], ms[4], ms[5], ms[6]);
        return new Run(batch, 1000 / stages.forward(), 1000 / stages.total(), stages.forward() * batch, stages);
    }

    @Override
    public void close() {
        if (priorSource != null) {
            priorSource.close();
        }
        manager.close();
    }
}
