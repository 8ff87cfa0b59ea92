package org.maskstream.retrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.metrics.IouCounts;

/**
 * One line of the registry's history: what a retraining attempt did and why.
 *
 * @param time               when it ended, ISO-8601 UTC
 * @param outcome            promoted, refused or failed
 * @param version            the version it registered (promoted, or failed after registering), else null
 * @param currentVersion     the version that was serving when it started (null for the initial model)
 * @param sha256             the registered version's hash, else null
 * @param trainExamples      training examples (gathered train split plus replay), null when not trained
 * @param validationExamples size of the gathered validation split
 * @param current            the serving model on the validation split, null when not measured
 * @param candidate          the candidate on the same split, null when not measured
 * @param margin             how much the candidate's fg IoU had to beat the current one's by
 * @param trainSeconds       fine-tuning time, null when not trained
 * @param reason             a sentence saying why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(String time, Outcome outcome, String version, String currentVersion, String sha256,
                      Integer trainExamples, int validationExamples, Metrics current, Metrics candidate, double margin,
                      Double trainSeconds, String reason) {

    public enum Outcome { PROMOTED, REFUSED, FAILED }

    /** Validation metrics of one model. */
    public record Metrics(long examples, double fgIou, double pixelIou, double miou, double dice) {
        /** Null when no example was counted (every mean would be NaN, which JSON cannot hold). */
        public static Metrics of(IouCounts counts) {
            return counts.n() == 0 ? null
                    : new Metrics(counts.n(), counts.fgIou(), counts.pixelIou(), counts.miou(), counts.dice());
        }

        ValidationMetrics toAvro() {
            return new ValidationMetrics(fgIou, pixelIou, miou, dice);
        }
    }
}
