package org.maskstream.experiment;

import org.maskstream.train.TrainOptions;

import java.util.Locale;

/**
 * Data and training budget an experiment gives each of its models.
 *
 * @param size   side of the synthetic scenes and of the models' input, pixels
 * @param train  training scenes
 * @param val    validation scenes (pick each run's best epoch)
 * @param test   held-out test scenes
 * @param epochs epochs per model
 * @param batch  examples per step
 * @param dim    feature width d
 * @param seed   seeds the data (train {@code seed}, validation {@code seed + 1}, test {@code seed + 2}) and training
 * @param lr     Adam's peak learning rate
 */
public record Budget(int size, int train, int val, int test, int epochs, int batch, int dim, long seed, float lr) {
    public Budget {
        if (size < 16 || train < 1 || val < 0 || test < 1 || epochs < 1 || batch < 1 || dim < 8 || !(lr > 0)) {
            throw new IllegalArgumentException("budget out of range: " + this);
        }
    }

    public Budget withTrain(int v) {
        return new Budget(size, v, val, test, epochs, batch, dim, seed, lr);
    }

    public Budget withEpochs(int v) {
        return new Budget(size, train, val, test, v, batch, dim, seed, lr);
    }

    public Budget withSeed(long v) {
        return new Budget(size, train, val, test, epochs, batch, dim, v, lr);
    }

    public Budget withLr(float v) {
        return new Budget(size, train, val, test, epochs, batch, dim, seed, v);
    }

    /**
     * The training options of the study experiments: fusion, decoder, loss and encoders at the {@code train}
     * defaults from before issue 18 ({@link TrainOptions.Builder#withoutRobustnessDefaults}), which their committed
     * results were measured with.
     */
    public TrainOptions.Builder trainOptions() {
        return trainDefaults().withoutRobustnessDefaults();
    }

    /** This budget with everything else at today's {@code train} defaults. */
    public TrainOptions.Builder trainDefaults() {
        return TrainOptions.builder().model(m -> m.inputSize(size).dim(dim)).epochs(epochs).batchSize(batch).seed(seed)
                .learningRate(lr).checkpoints(false).progress(true);
    }

    /** The data this budget describes. */
    public SyntheticSplits data() {
        return data(1);
    }

    /** The data this budget describes, with up to {@code perScene} instructions for each training scene. */
    public SyntheticSplits data(int perScene) {
        return SyntheticSplits.generate(size, seed, train, val, test, perScene);
    }

    /** One sentence for the results files. */
    public String describe() {
        return String.format(Locale.ROOT, "%d x %d px, %d training / %d validation / %d test scenes, %d epochs,"
                + " batch %d, d = %d, learning rate %s, seed %d", size, size, train, val, test, epochs, batch, dim, lr,
                seed);
    }
}
