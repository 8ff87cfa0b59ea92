package org.maskstream.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Trainer#train} produced.
 *
 * @param modelDir  the saved best model (best validation IoU; the last epoch without validation data)
 * @param bestEpoch the epoch saved in {@code modelDir}, from 1
 * @param history   every epoch's metrics, in order
 * @param stoppedEarly whether {@link TrainOptions#timeLimit()} ended training before the last epoch
 */
public record TrainResult(Path modelDir, int bestEpoch, List<EpochMetrics> history, double seconds,
                          boolean stoppedEarly) {

    public EpochMetrics best() {
        return history.get(bestEpoch - 1);
    }
}
