package org.maskstream.retrain;

import java.time.Duration;

/**
 * How one retraining attempt trains and gates.
 *
 * @param budget        fine-tuning time limit (the trainer stops after the step that passes it)
 * @param epochs        most passes over the training examples within the budget
 * @param batchSize     examples per step
 * @param learningRate  peak learning rate of the fine-tuning (lower than from scratch: it starts from a good model)
 * @param seed          seeds shuffling and augmentation, so an attempt is repeatable
 * @param margin        the candidate's validation fg IoU must exceed the current one's by more than this
 * @param minValidation fewest validation examples the gate decides on; fewer: refused without training
 * @param progress      draw a progress bar on standard error
 */
public record RetrainOptions(Duration budget, int epochs, int batchSize, float learningRate, long seed, double margin,
                             int minValidation, boolean progress) {
    public RetrainOptions {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the training budget must be positive, got " + budget);
        }
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batch size must be at least 1");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("the learning rate must be positive, got " + learningRate);
        }
        if (!(margin >= 0) || margin >= 1) {
            throw new IllegalArgumentException("the margin is a fg IoU difference in [0, 1), got " + margin);
        }
        if (minValidation < 1) {
            throw new IllegalArgumentException("the validation split must need at least 1 example, got "
                    + minValidation);
        }
    }
}
