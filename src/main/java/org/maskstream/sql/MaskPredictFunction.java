package org.maskstream.sql;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelRef;
import org.maskstream.events.AvroCodec;
import org.maskstream.stream.CountDeadLetters;
import org.maskstream.stream.DecodeRequests;
import org.maskstream.stream.InferenceBatcher;
import org.maskstream.events.RawRecord;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ML_PREDICT} with a maskstream model: each row goes through the job's own checks ({@link DecodeRequests})
 * and then to this subtask's {@link InferenceBatcher}, the job's micro-batcher, one per subtask, so rows are
 * predicted in batches of up to {@code batch.size} exactly as the DataStream job predicts them.
 *
 * <p>A row refused by the checks or whose inference fails on its own gives no output row (ML_PREDICT then drops
 * it), is logged, and counts in the {@code maskstream.deadLetters} counter of its kind on this operator.
 *
 * <p>Public because the planner's generated code casts to it.
 */
public final class MaskPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MaskPredictFunction.class);

    private final StreamConfig config;
    /** Made when the model was declared, so every subtask serves the version the planner checked. */
    private final ModelRef initial;
    private final ModelColumns columns;
    private final String what;
    private transient InferenceBatcher batcher;
    private transient DecodeRequests checks;
    private transient AvroCodec<EditRequest> codec;
    private transient EnumMap<DeadLetterKind, Counter> deadLetters;
    private transient long rows;

    MaskPredictFunction(StreamConfig config, ModelRef initial, ModelColumns columns, String what) {
        this.config = config;
        this.initial = initial;
        this.columns = columns;
        this.what = what;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        checks = new DecodeRequests(config);
        codec = AvroCodec.of(EditRequest.class);
        deadLetters = CountDeadLetters.counters(context.getMetricGroup());
        String name = "ml-predict-batcher-" + context.getTaskInfo().getIndexOfThisSubtask();
        batcher = InferenceBatcher.start(name, config.batchSize(), config.batchWait(), config.batchMaxDecodedBytes(),
                config.modelCacheSize(), initial, SavedModels.LOADER, context.getMetricGroup());
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        rows++;
        String id = what + " row " + rows;
        byte[] image = bytes(input, ModelColumns.Input.IMAGE);
        int instructionAt = columns.inputIndex(ModelColumns.Input.INSTRUCTION);
        if (image == null || input.isNullAt(instructionAt)) {
            return refused(id, new DecodeRequests.Refusal(image == null ? DeadLetterKind.BAD_IMAGE
                    : DeadLetterKind.BAD_INSTRUCTION, (image == null ? "image" : "instruction") + " is NULL"));
        }
        byte[] mask = bytes(input, ModelColumns.Input.GROUND_TRUTH_MASK);
        EditRequest request = EditRequest.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setImage(ByteBuffer.wrap(image))
                .setInstruction(input.getString(instructionAt).toString())
                .setGroundTruthMask(mask == null ? null : ByteBuffer.wrap(mask))
                .setAttributes(Map.of())
                .build();
        // The job's checks work on records; a row encoded as one gets exactly the job's limits and messages.
        List<InferenceRequest> accepted = new ArrayList<>(1);
        DecodeRequests.Refusal refusal = checks.decode(new RawRecord(null, codec.encode(request), "", -1, -1, 0),
                new ListCollector<>(accepted));
        if (refusal != null) {
            return refused(id, refusal);
        }
        return batcher.submit(accepted.get(0)).thenApply(outcome -> {
            MaskResult result = outcome.getMaskResult();
            if (result == null) {
                // on the batcher thread, the only one counting this kind
                deadLetters.get(outcome.getDeadLetter().getKind()).inc();
                LOG.warn("{}: {}; no output row", id, outcome.getDeadLetter().getReason());
                return List.of();
            }
            return List.of(columns.toRow(result));
        });
    }

    private byte[] bytes(RowData input, ModelColumns.Input column) {
        int at = columns.inputIndex(column);
        return at < 0 || input.isNullAt(at) ? null : input.getBinary(at);
    }

    private CompletableFuture<Collection<RowData>> refused(String id, DecodeRequests.Refusal refusal) {
        deadLetters.get(refusal.kind()).inc();
        LOG.warn("{} refused ({}): {}; no output row", id, refusal.kind(), refusal.reason());
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public void close() throws Exception {
        if (batcher != null) {
            batcher.close();
        }
        super.close();
    }
}
