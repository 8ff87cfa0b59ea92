package org.maskstream.stream;

import org.maskstream.events.AvroCodec;
import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceOutcome;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One micro-batch of requests on one model, as outcomes (a request whose image or mask does not decode becomes its
 * {@code BAD_IMAGE} / {@code BAD_MASK} dead letter first). When the batched forward pass fails, each
 * request is run again on its own, so a request that breaks the model (or a transient failure) costs only the
 * requests that fail alone: those become {@code INFERENCE_FAILED} dead letters, the rest get their results. An
 * {@link OutOfMemoryError} or {@link StackOverflowError} counts as such a failure: it comes from the batch's own
 * allocations (decoded images, activations), which are gone once it unwinds, and the batch budget
 * ({@code batch.max-decoded-bytes}) makes it rare; let through, it would kill the batcher thread and fail the job,
 * and the request would replay from the checkpoint into the same failure.
 */
final class BatchOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(BatchOutcomes.class);

    private BatchOutcomes() {
    }

    /**
     * @param ref   the ref {@code model} was loaded from, named in dead letters
     * @param clock wall-clock milliseconds, for each result's latency
     */
    static List<InferenceOutcome> predict(MaskModel model, ModelRef ref, List<InferenceRequest> requests,
                                          LongSupplier clock) {
        // outcomes stay in request order: callers complete each request's future with the outcome at its index
        InferenceOutcome[] outcomes = new InferenceOutcome[requests.size()];
        List<DecodedRequest> batch = new ArrayList<>(requests.size());
        List<Integer> positions = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            try {
                batch.add(DecodedRequest.decode(requests.get(i)));
                positions.add(i);
            } catch (DecodedRequest.Undecodable e) {
                outcomes[i] = refused(requests.get(i), e.kind, e.getMessage());
            }
        }
        if (batch.isEmpty()) {
            return List.of(outcomes);
        }
        try {
            place(outcomes, positions, predictTogether(model, batch, clock));
            return List.of(outcomes);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError batchFailure) {
            if (batch.size() == 1) {
                LOG.error("inference failed for request {} on model {}; it goes to the dead letters",
                        batch.get(0).request().getRequest().getId(), ref.getUri(), batchFailure);
                outcomes[positions.get(0)] = failed(batch.get(0).request(), ref, batchFailure);
                return List.of(outcomes);
            }
            LOG.warn("inference failed for a batch of {} on model {}; running its requests one at a time",
                    batch.size(), ref.getUri(), batchFailure);
        }
        for (int k = 0; k < batch.size(); k++) {
            DecodedRequest request = batch.get(k);
            try {
                outcomes[positions.get(k)] = predictTogether(model, List.of(request), clock).get(0);
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError alone) {
                LOG.error("inference failed for request {} on model {} on its own too; it goes to the dead letters",
                        request.request().getRequest().getId(), ref.getUri(), alone);
                outcomes[positions.get(k)] = failed(request.request(), ref, alone);
            }
        }
        return List.of(outcomes);
    }

    private static void place(InferenceOutcome[] outcomes, List<Integer> positions, List<InferenceOutcome> results) {
        for (int k = 0; k < results.size(); k++) {
            outcomes[positions.get(k)] = results.get(k);
        }
    }

    /** Dead letters for a whole batch whose model could not be had (e.g. it failed to load). */
    static List<InferenceOutcome> allFailed(ModelRef ref, List<InferenceRequest> batch, Throwable cause) {
        return batch.stream().map(r -> failed(r, ref, cause)).toList();
    }

    private static List<InferenceOutcome> predictTogether(MaskModel model, List<DecodedRequest> batch,
                                                          LongSupplier clock) {
        List<BufferedImage> images = new ArrayList<>(batch.size());
        List<String> instructions = new ArrayList<>(batch.size());
        for (DecodedRequest r : batch) {
            images.add(r.image());
            instructions.add(r.request().getRequest().getInstruction());
        }
        List<float[]> probabilities = model.predict(images, instructions);
        long now = clock.getAsLong();
        List<InferenceOutcome> outcomes = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            outcomes.add(new InferenceOutcome(Predictions.toResult(batch.get(i), model.version(), model.inputSize(),
                    model.threshold(), probabilities.get(i), now), null));
        }
        return outcomes;
    }

    private static InferenceOutcome failed(InferenceRequest in, ModelRef ref, Throwable e) {
        return refused(in, DeadLetterKind.INFERENCE_FAILED, "inference on model " + ref.getUri() + " failed: " + e);
    }

    private static InferenceOutcome refused(InferenceRequest in, DeadLetterKind kind, String reason) {
        EditRequest request = in.getRequest();
        DeadLetter deadLetter = DeadLetter.newBuilder()
                .setKind(kind)
                .setReason(reason)
                .setKey(ByteBuffer.wrap(request.getId().getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(AvroCodec.of(EditRequest.class).encode(request)))
                .setTopic(in.getSourceTopic())
                .setPartition(in.getSourcePartition())
                .setOffset(in.getSourceOffset())
                .setTime(Instant.now())
                .build();
        return new InferenceOutcome(null, deadLetter);
    }
}
