package org.maskstream.pretrained;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Adds graph outputs to an ONNX file by editing its protobuf bytes: the one change that turns the published
 * MobileNetV2 into the feature extractor the image encoder reads. Nothing else of the file is touched, so the
 * result is byte for byte what the ONNX Python API writes for the same change (its SHA-256 can be pinned).
 *
 * <p>Only the top level of {@code ModelProto} is parsed (to find field 7, the graph); outputs are appended to
 * the graph as field 12 {@code ValueInfoProto}s with a float tensor type and no shape (ONNX Runtime infers it).
 */
final class OnnxGraphOutputs {
    private static final int GRAPH = 7;
    private static final int GRAPH_OUTPUT = 12;
    private static final int LENGTH_DELIMITED = 2;
    /** {@code TypeProto { tensor_type { elem_type: FLOAT } }} as field 2 of a {@code ValueInfoProto}. */
    private static final byte[] FLOAT_TENSOR_TYPE = {0x12, 0x04, 0x0a, 0x02, 0x08, 0x01};

    private OnnxGraphOutputs() {
    }

    /** {@code model} with float outputs named {@code names} appended to its graph's outputs. */
    static byte[] append(byte[] model, List<String> names) {
        return editGraph(model, graph -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(graph);
            out.writeBytes(entries(names));
            return out.toByteArray();
        });
    }

    /** The bytes {@link #append} adds to the graph for {@code names}. */
    static byte[] entries(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            info.write(0x0a); // field 1 (name), length-delimited
            writeVarint(info, utf8.length);
            info.writeBytes(utf8);
            info.writeBytes(FLOAT_TENSOR_TYPE);
            writeVarint(out, (GRAPH_OUTPUT << 3) | LENGTH_DELIMITED);
            writeVarint(out, info.size());
            out.writeBytes(info.toByteArray());
        }
        return out.toByteArray();
    }

    /** {@code model} with its graph's payload replaced by {@code edit} of it; every other byte kept. */
    static byte[] editGraph(byte[] model, UnaryOperator<byte[]> edit) {
        int[] pos = {0};
        while (pos[0] < model.length) {
            int fieldStart = pos[0];
            long key = readVarint(model, pos);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> readVarint(model, pos);
                case 1 -> pos[0] += 8;
                case 5 -> pos[0] += 4;
                case LENGTH_DELIMITED -> {
                    long length = readVarint(model, pos);
                    if (length < 0 || pos[0] + length > model.length) {
                        throw new IllegalArgumentException("not an ONNX model: a field runs past the end of the file");
                    }
                    int start = pos[0];
                    int end = (int) (start + length);
                    if (field == GRAPH) {
                        byte[] graph = edit.apply(java.util.Arrays.copyOfRange(model, start, end));
                        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + graph.length - (end - start));
                        out.write(model, 0, fieldStart);
                        writeVarint(out, key);
                        writeVarint(out, graph.length);
                        out.writeBytes(graph);
                        out.write(model, end, model.length - end);
                        return out.toByteArray();
                    }
                    pos[0] = end;
                }
                default -> throw new IllegalArgumentException("not an ONNX model: protobuf wire type " + wire);
            }
        }
        throw new IllegalArgumentException("not an ONNX model: no graph");
    }

    private static long readVarint(byte[] b, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("not an ONNX model: truncated");
            }
            byte c = b[pos[0]++];
            value |= (long) (c & 0x7f) << shift;
            if ((c & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("not an ONNX model: a varint longer than 10 bytes");
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
