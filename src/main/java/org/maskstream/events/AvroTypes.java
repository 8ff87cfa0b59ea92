package org.maskstream.events;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.avro.specific.SpecificRecordBase;

/** Flink type information of the generated Avro classes, so Flink serializes them with Avro, not Kryo. */
public final class AvroTypes {
    private AvroTypes() {
    }

    public static <T extends SpecificRecordBase> TypeInformation<T> of(Class<T> type) {
        return new AvroTypeInfo<>(type);
    }
}
