package org.maskstream.train;

/** The loss stopped being a finite number, so training cannot go on usefully. */
public class TrainingDivergedException extends IllegalStateException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
