package org.maskstream.sql;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.events.AvroCodec;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns an {@code EditRequest} table may declare with {@code 'format' = 'maskstream-avro'} (any of them, in
 * any order): the Avro fields in snake case, plus the image's {@code width} and {@code height}, which the checks
 * read from its header.
 */
final class RequestColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    enum Field implements SqlColumn {
        ID("id", DataTypes.STRING(), r -> StringData.fromString(r.getRequest().getId())),
        EVENT_TIME("event_time", DataTypes.TIMESTAMP_LTZ(3),
                r -> TimestampData.fromInstant(r.getRequest().getEventTime())),
        IMAGE("image", DataTypes.BYTES(), r -> AvroCodec.bytes(r.getRequest().getImage())),
        INSTRUCTION("instruction", DataTypes.STRING(), r -> StringData.fromString(r.getRequest().getInstruction())),
        GROUND_TRUTH_MASK("ground_truth_mask", DataTypes.BYTES(), r -> r.getRequest().getGroundTruthMask() == null
                ? null : AvroCodec.bytes(r.getRequest().getGroundTruthMask())),
        ATTRIBUTES("attributes", DataTypes.MAP(DataTypes.STRING(), DataTypes.STRING()),
                r -> attributes(r.getRequest())),
        WIDTH("width", DataTypes.INT(), InferenceRequest::getWidth),
        HEIGHT("height", DataTypes.INT(), InferenceRequest::getHeight);

        private final String sqlName;
        private final LogicalType type;
        private final Function<InferenceRequest, Object> value;

        Field(String sqlName, DataType type, Function<InferenceRequest, Object> value) {
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

        private static GenericMapData attributes(EditRequest request) {
            Map<Object, Object> map = new LinkedHashMap<>();
            request.getAttributes().forEach((k, v) -> map.put(StringData.fromString(k), StringData.fromString(v)));
            return new GenericMapData(map);
        }
    }

    private final List<Field> fields;

    private RequestColumns(List<Field> fields) {
        this.fields = fields;
    }

    /** Checks the table's value columns; {@code what} names the table in errors. */
    static RequestColumns check(DataType physicalRow, String what) {
        Map<String, LogicalType> declared = new LinkedHashMap<>();
        for (RowType.RowField f : ((RowType) physicalRow.getLogicalType()).getFields()) {
            declared.put(f.getName(), f.getType());
        }
        return new RequestColumns(List.copyOf(SqlColumn.match(Field.class, declared, what)));
    }

    RowData toRow(InferenceRequest request) {
        GenericRowData row = new GenericRowData(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            row.setField(i, fields.get(i).value.apply(request));
        }
        return row;
    }
}
