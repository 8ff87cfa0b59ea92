package org.maskstream.events;

import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Avro single-object encoding of one generated record type: a 10-byte header (marker and the writer schema's
 * CRC-64-AVRO fingerprint) and the binary body. Decoding resolves the writer schema by fingerprint among the
 * type's own schema and the extra writer schemas given, so producers may add fields with defaults (or run an
 * older schema) without breaking readers.
 *
 * <p>Serializable so Flink functions can hold one; the encoder and decoder are built lazily per JVM (they are
 * thread-safe).
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Why a record could not be decoded. */
    public static final class DecodeException extends Exception {
        private final boolean unknownSchema;

        DecodeException(String message, boolean unknownSchema, Throwable cause) {
            super(message, cause);
            this.unknownSchema = unknownSchema;
        }

        /** True when the header was fine but its fingerprint names a schema this codec does not know. */
        public boolean unknownSchema() {
            return unknownSchema;
        }
    }

    private final Class<T> type;
    private final List<String> extraWriterSchemas;
    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;

    /** The configuration key of the extra writer schemas' folder, named in error messages. */
    public static final String SCHEMAS_DIR_SETTING = "maskstream.schemas.dir";

    private AvroCodec(Class<T> type, List<String> extraWriterSchemas) {
        this.type = type;
        this.extraWriterSchemas = List.copyOf(extraWriterSchemas);
    }

    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return new AvroCodec<>(type, List.of());
    }

    /** A codec that also accepts the writer schemas in {@code schemasDir} ({@code *.avsc}), when given. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, Optional<String> schemasDir) {
        return new AvroCodec<>(type, schemasDir.map(d -> readSchemas(Path.of(d))).orElse(List.of()));
    }

    private static List<String> readSchemas(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("schema folder " + dir + " does not exist: create it or unset "
                    + SCHEMAS_DIR_SETTING);
        }
        List<String> schemas = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.avsc")) {
            for (Path f : files) {
                String json = Files.readString(f);
                new Schema.Parser().parse(json);  // fail at build time, naming the file, rather than per record
                schemas.add(json);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schemas in " + dir, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a schema in " + dir + " does not parse: " + e.getMessage(), e);
        }
        return schemas;
    }

    private Schema schema() {
        return SpecificData.get().getSchema(type);
    }

    public byte[] encode(T record) {
        if (encoder == null) {
            encoder = new BinaryMessageEncoder<>(SpecificData.getForClass(type), schema());
        }
        try {
            return encoder.encode(record).array();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + type.getSimpleName(), e);
        }
    }

    /** Decodes one record; never throws anything but {@link DecodeException} for any input bytes. */
    public T decode(byte[] bytes) throws DecodeException {
        if (decoder == null) {
            SchemaStore.Cache store = new SchemaStore.Cache();
            for (String json : extraWriterSchemas) {
                store.addSchema(new Schema.Parser().parse(json));
            }
            decoder = new BinaryMessageDecoder<>(SpecificData.getForClass(type), schema(), store);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new DecodeException("the writer schema is unknown (" + e.getMessage() + "); put its .avsc into the folder "
                    + SCHEMAS_DIR_SETTING + " names", true, e);
        } catch (BadHeaderException e) {
            throw new DecodeException("not Avro single-object encoding: " + e.getMessage(), false, e);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("not a valid " + type.getSimpleName() + ": " + e, false, e);
        }
    }
    /** The remaining bytes of {@code buffer}, leaving its position as it was. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
