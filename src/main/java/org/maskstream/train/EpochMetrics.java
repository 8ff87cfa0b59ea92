package org.maskstream.train;

/**
 * One line of {@code metrics.jsonl}: what an epoch measured.
 *
 * @param stage         the examples the epoch trained on: a curriculum stage's {@code FIELD=VALUE}, or {@code all}
 * @param steps         optimizer steps applied in the epoch
 * @param recomputedSteps steps computed a second time so far in the run because the first try's loss or gradients
 *                      were not finite
 * @param trainLoss     mean training loss over the epoch's steps
 * @param trainFgIou    mean foreground IoU of the training batches (in training mode, at the input size)
 * @param valLoss       mean validation loss; {@code null} without validation data
 * @param valFgIou      validation foreground IoU at the input size ({@code null} without validation data); the
 *                      other {@code val*} fields are the matching {@link org.maskstream.metrics.IouCounts} figures
 * @param samplesPerSec training throughput
 */
public record EpochMetrics(int epoch, String stage, int steps, int recomputedSteps, double trainLoss,
                           double trainFgIou, Double valLoss, Double valFgIou, Double valPixelIou, Double valMiou,
                           Double valDice, double learningRate, double samplesPerSec, double seconds) {
}
