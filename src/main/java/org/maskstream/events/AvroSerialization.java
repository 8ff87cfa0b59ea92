package org.maskstream.events;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.DefaultTypeDatasetFacet;
import org.apache.flink.connector.kafka.lineage.TypeDatasetFacet;
import org.apache.flink.connector.kafka.lineage.TypeDatasetFacetProvider;

import java.util.Optional;

/**
 * Kafka record values in Avro single-object encoding. Names its type for the sink's lineage facet, which cannot
 * infer it from a generic class.
 */
public final class AvroSerialization<T extends SpecificRecordBase> implements SerializationSchema<T>,
        TypeDatasetFacetProvider {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final AvroCodec<T> codec;

    public AvroSerialization(Class<T> type) {
        this.type = type;
        this.codec = AvroCodec.of(type);
    }

    @Override
    public byte[] serialize(T element) {
        return codec.encode(element);
    }

    @Override
    public Optional<TypeDatasetFacet> getTypeDatasetFacet() {
        return Optional.of(new DefaultTypeDatasetFacet(AvroTypes.of(type)));
    }
}
