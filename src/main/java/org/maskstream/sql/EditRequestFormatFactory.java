package org.maskstream.sql;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.DataType;
import org.maskstream.stream.StreamConfig;

import java.util.Set;

/**
 * {@code 'format' = 'maskstream-avro'}: the edit-requests topic's values (Avro single-object {@code EditRequest}) as
 * rows, through the job's decode step, so a table reads exactly what the job accepts. Records the job would turn
 * into dead letters are skipped, logged and counted ({@link EditRequestDeserializer}).
 */
public final class EditRequestFormatFactory implements DeserializationFormatFactory {
    public static final String IDENTIFIER = "maskstream-avro";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return SqlOptions.formatOptional();
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(DynamicTableFactory.Context context,
                                                                              ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        String what = "table " + context.getObjectIdentifier().asSummaryString();
        StreamConfig config = SqlOptions.streamConfig(formatOptions, null, what);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(DynamicTableSource.Context source,
                                                                       DataType physicalRow) {
                RequestColumns columns = RequestColumns.check(physicalRow, what + " (format " + IDENTIFIER + ")");
                return new EditRequestDeserializer(config, columns, source.createTypeInformation(physicalRow));
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }
}
