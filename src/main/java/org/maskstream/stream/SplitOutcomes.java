package org.maskstream.stream;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.MaskResult;

/** Results to the main output, inference failures to {@link DeadLetters#TAG}. */
public class SplitOutcomes extends ProcessFunction<InferenceOutcome, MaskResult> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(InferenceOutcome outcome, Context ctx, Collector<MaskResult> out) {
        if (outcome.getMaskResult() != null) {
            out.collect(outcome.getMaskResult());
        } else {
            ctx.output(DeadLetters.TAG, outcome.getDeadLetter());
        }
    }
}
