package org.maskstream.sql;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.maskstream.avro.BoundingBox;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.PixelCounts;
import org.maskstream.events.AvroCodec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code INPUT} and {@code OUTPUT} columns of a maskstream model, checked at planning time: the input has
 * {@code image BYTES} and {@code instruction STRING} and may have {@code ground_truth_mask BYTES} (then the output
 * can carry {@code iou} and {@code pixel_counts}); the output is any of {@link Output}'s columns, in any order.
 */
final class ModelColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Columns of the model's input row. */
    enum Input implements SqlColumn {
        IMAGE("image", DataTypes.BYTES()),
        INSTRUCTION("instruction", DataTypes.STRING()),
        GROUND_TRUTH_MASK("ground_truth_mask", DataTypes.BYTES());

        private final String sqlName;
        private final LogicalType type;

        Input(String sqlName, DataType type) {
            this.sqlName = sqlName;
            this.type = type.getLogicalType();
        }

        @Override
        public String sqlName() {
            return sqlName;
        }

        @Override
        public LogicalType type() {
            return type;
        }
    }

    /** Columns of the model's output row: the fields of the job's {@code MaskResult}. */
    enum Output implements SqlColumn {
        MASK_PNG("mask_png", DataTypes.BYTES(), r -> AvroCodec.bytes(r.getMask())),
        WIDTH("width", DataTypes.INT(), MaskResult::getWidth),
        HEIGHT("height", DataTypes.INT(), MaskResult::getHeight),
        BOX("box", DataTypes.ROW(DataTypes.FIELD("x", DataTypes.INT()), DataTypes.FIELD("y", DataTypes.INT()),
                DataTypes.FIELD("width", DataTypes.INT()), DataTypes.FIELD("height", DataTypes.INT())),
                r -> box(r.getBoundingBox())),
        COVERAGE("coverage", DataTypes.DOUBLE(), MaskResult::getCoverage),
        CONFIDENCE("confidence", DataTypes.DOUBLE(), MaskResult::getMeanConfidence),
        MODEL_VERSION("model_version", DataTypes.STRING(), r -> StringData.fromString(r.getModelVersion())),
        IOU("iou", DataTypes.DOUBLE(), MaskResult::getIou),
        PIXEL_COUNTS("pixel_counts", DataTypes.ROW(DataTypes.FIELD("tp", DataTypes.BIGINT()),
                DataTypes.FIELD("fp", DataTypes.BIGINT()), DataTypes.FIELD("fn", DataTypes.BIGINT()),
                DataTypes.FIELD("tn", DataTypes.BIGINT())), r -> counts(r.getPixelCounts())),
        LATENCY_MS("latency_ms", DataTypes.BIGINT(), MaskResult::getLatencyMs);

        private final String sqlName;
        private final LogicalType type;
        private final Function<MaskResult, Object> value;

        Output(String sqlName, DataType type, Function<MaskResult, Object> value) {
            this.sqlName = sqlName;
            this.type = SqlColumn.nullable(type.getLogicalType());
            this.value = value;
        }

        @Override
        public String sqlName() {
            return sqlName;
        }

        @Override
        public LogicalType type() {
            return type;
        }

        private static RowData box(BoundingBox b) {
            return b == null ? null : GenericRowData.of(b.getX(), b.getY(), b.getWidth(), b.getHeight());
        }

        private static RowData counts(PixelCounts c) {
            return c == null ? null : GenericRowData.of(c.getTp(), c.getFp(), c.getFn(), c.getTn());
        }
    }

    private final List<Input> inputs;
    private final List<Output> outputs;

    private ModelColumns(List<Input> inputs, List<Output> outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** Checks a model's schemas; {@code what} names the model in errors. */
    static ModelColumns check(ResolvedSchema input, ResolvedSchema output, String what) {
        List<Input> inputs = SqlColumn.match(Input.class, physical(input, what + ": INPUT"), what + ": INPUT");
        SqlColumn.require(inputs, Set.of(Input.IMAGE, Input.INSTRUCTION), what + ": INPUT");
        List<Output> outputs = SqlColumn.match(Output.class, physical(output, what + ": OUTPUT"), what + ": OUTPUT");
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException(what + ": OUTPUT has no columns; choose from "
                    + SqlColumn.describe(List.of(Output.values())));
        }
        if (!inputs.contains(Input.GROUND_TRUTH_MASK)) {
            for (Output scored : List.of(Output.IOU, Output.PIXEL_COUNTS)) {
                if (outputs.contains(scored)) {
                    throw new IllegalArgumentException(what + ": OUTPUT column '" + scored.sqlName()
                            + "' is scored against the ground truth: add 'ground_truth_mask BYTES' to INPUT");
                }
            }
        }
        return new ModelColumns(List.copyOf(inputs), List.copyOf(outputs));
    }

    private static Map<String, LogicalType> physical(ResolvedSchema schema, String what) {
        Map<String, LogicalType> columns = new LinkedHashMap<>();
        for (Column c : schema.getColumns()) {
            if (!c.isPhysical()) {
                throw new IllegalArgumentException(what + ": column '" + c.getName()
                        + "' is computed or metadata; the maskstream provider takes plain columns only");
            }
            columns.put(c.getName(), c.getDataType().getLogicalType());
        }
        return columns;
    }

    /** Position of {@code column} in the input row, or -1 when the model has none. */
    int inputIndex(Input column) {
        return inputs.indexOf(column);
    }

    /** The output row of {@code result}, in the declared column order. */
    RowData toRow(MaskResult result) {
        GenericRowData row = new GenericRowData(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            row.setField(i, outputs.get(i).value.apply(result));
        }
        return row;
    }
}
