package org.maskstream.events;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Avro single-object encoding of one generated record type: a 10-byte header (marker and the writer schema's
 * CRC-64-AVRO fingerprint) and the binary body. Decoding resolves the writer schema by fingerprint among the
 * type's own schema and the extra writer schemas given, so producers may add fields with defaults (or run an
 * older schema) without breaking readers.
 *
 * <p>Decoding never lets a length or count field decide an allocation: before Avro decodes a record, one pass over
 * its bytes checks that every string and bytes length fits in what is left of the record, that collections hold at
 * most {@value #MAX_COLLECTION_ITEMS} items and that nesting is at most {@value #MAX_DEPTH} deep (Avro itself
 * allocates what a length declares, up to 2 GB, before it reads a byte of it, and sizes a map by its declared count).
 * So decoding one record allocates at most a small multiple of its size.
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

    /** Most items of all blocks of one array or map; EditRequest's attributes are bounded far lower later. */
    static final int MAX_COLLECTION_ITEMS = 10_000;
    /** Deepest nesting of records, arrays, maps and unions (a recursive writer schema could nest per byte). */
    static final int MAX_DEPTH = 64;
    private static final int HEADER_BYTES = 10;

    private final Class<T> type;
    private final List<String> extraWriterSchemas;
    private transient BinaryMessageEncoder<T> encoder;
    private transient BinaryMessageDecoder<T> decoder;
    private transient Map<Long, Schema> writerSchemas;

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
            writerSchemas = new HashMap<>();
            writerSchemas.put(SchemaNormalization.parsingFingerprint64(schema()), schema());
            for (String json : extraWriterSchemas) {
                Schema extra = new Schema.Parser().parse(json);
                writerSchemas.put(SchemaNormalization.parsingFingerprint64(extra), extra);
            }
        }
        try {
            checkLengths(bytes);
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

    /**
     * Walks the body with its writer schema without allocating any field; throws when a length, count or depth is
     * out of bounds. Leaves a bad header or an unknown fingerprint to the decoder, which says which it was.
     */
    private void checkLengths(byte[] bytes) throws IOException {
        if (bytes.length < HEADER_BYTES || bytes[0] != (byte) 0xC3 || bytes[1] != 0x01) {
            return;
        }
        long fingerprint = 0;
        for (int i = HEADER_BYTES - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFF);
        }
        Schema writer = writerSchemas.get(fingerprint);
        if (writer != null) {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
            walk(writer, in, bytes.length, 0);
        }
    }

    private static void walk(Schema schema, BinaryDecoder in, int recordBytes, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("nested more than " + MAX_DEPTH + " deep");
        }
        switch (schema.getType()) {
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema(), in, recordBytes, depth + 1);
                }
            }
            case UNION -> {
                int branch = in.readIndex();
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new IOException("union branch " + branch + " does not exist");
                }
                walk(schema.getTypes().get(branch), in, recordBytes, depth + 1);
            }
            case ARRAY -> {
                long items = 0;
                for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
                    items = countItems(items, n);
                    for (long i = 0; i < n; i++) {
                        walk(schema.getElementType(), in, recordBytes, depth + 1);
                    }
                }
            }
            case MAP -> {
                long items = 0;
                for (long n = in.readMapStart(); n != 0; n = in.mapNext()) {
                    items = countItems(items, n);
                    for (long i = 0; i < n; i++) {
                        skipLength(in, recordBytes);
                        walk(schema.getValueType(), in, recordBytes, depth + 1);
                    }
                }
            }
            case STRING, BYTES -> skipLength(in, recordBytes);
            case FIXED -> in.skipFixed(schema.getFixedSize());
            case ENUM -> in.readEnum();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case BOOLEAN -> in.readBoolean();
            case NULL -> in.readNull();
            default -> throw new IOException("unexpected schema type " + schema.getType());
        }
    }

    private static long countItems(long sofar, long block) throws IOException {
        if (block < 0 || sofar + block > MAX_COLLECTION_ITEMS) {
            throw new IOException("a collection declares " + (block < 0 ? block : sofar + block)
                    + " items; at most " + MAX_COLLECTION_ITEMS + " are read");
        }
        return sofar + block;
    }

    /** Skips a length-prefixed string or bytes, refusing a length the record cannot hold (EOF past its end). */
    private static void skipLength(BinaryDecoder in, int recordBytes) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > recordBytes) {
            throw new IOException("a length field declares " + length + " bytes in a record of " + recordBytes);
        }
        in.skipFixed((int) length);
    }

    /** The remaining bytes of {@code buffer}, leaving its position as it was. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
