package org.maskstream.sql;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.InferenceRequest;
import org.maskstream.stream.CountDeadLetters;
import org.maskstream.stream.DecodeRequests;
import org.maskstream.events.RawRecord;
import org.maskstream.stream.StreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * Decodes one record value with the job's {@link DecodeRequests}; never throws. A refused record gives no row
 * (Flink skips a null), a WARN line with its kind and reason, and one count in the source operator's
 * {@code maskstream.deadLetters} counter of that kind: the names the job's {@code count-dead-letters} uses.
 */
final class EditRequestDeserializer implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EditRequestDeserializer.class);

    private final StreamConfig config;
    private final RequestColumns columns;
    private final TypeInformation<RowData> producedType;
    private transient DecodeRequests checks;
    private transient EnumMap<DeadLetterKind, Counter> deadLetters;

    EditRequestDeserializer(StreamConfig config, RequestColumns columns, TypeInformation<RowData> producedType) {
        this.config = config;
        this.columns = columns;
        this.producedType = producedType;
    }

    @Override
    public void open(InitializationContext context) {
        checks = new DecodeRequests(config);
        deadLetters = CountDeadLetters.counters(context.getMetricGroup());
    }

    @Override
    public RowData deserialize(byte[] message) {
        List<InferenceRequest> accepted = new ArrayList<>(1);
        DecodeRequests.Refusal refusal = checks.decode(new RawRecord(null, message, "", -1, -1, 0),
                new ListCollector<>(accepted));
        if (refusal != null) {
            deadLetters.get(refusal.kind()).inc();
            LOG.warn("record skipped ({}): {}", refusal.kind(), refusal.reason());
            return null;
        }
        return columns.toRow(accepted.get(0));
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
