package io.anglespark.model.onnx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.anglespark.model.onnx.OnnxFields.GRAPH_INITIALIZER;
import static io.anglespark.model.onnx.OnnxFields.MODEL_GRAPH;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_DATA_TYPE;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_FLOAT_DATA;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_NAME;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_RAW_DATA;

/**
 * Writes trained BERT weights back into the ONNX file they were imported from: the source file's bytes are
 * copied field by field and only the initializer tensors that {@link BertWeights#from} mapped to a parameter are
 * rewritten (their {@code float_data} / {@code raw_data} replaced by one {@code raw_data} of the trained values;
 * name, dims and data type kept). Nodes, opset, inputs and outputs are untouched, so ONNX Runtime (or anything
 * that ran the source model) runs the result with the same inputs and output.
 *
 * <p>Checks: the trained weights have the source's architecture; every array has exactly the element count of the
 * initializer it replaces (a mismatch fails naming the tensor and both shapes); every mapped initializer is
 * replaced exactly once; and the written file, read back and mapped again, holds exactly the trained values.
 * Whole files are held in memory (the source bytes, the output, and one decode for the check): about three
 * times the file size.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    /**
     * The source model with its weights replaced by {@code trained}.
     *
     * @param source   the ONNX file the model was imported from (self-contained, as {@link OnnxModel#read} requires)
     * @param trained  weights of the same architecture, e.g. from {@code EncoderGraphFactory.weightsOf}
     * @param metadata extra {@code metadata_props} entries written into the model (e.g. a model id); may be empty
     * @throws IllegalArgumentException when the architectures differ, a shape does not match (naming the tensor),
     *                                  or a mapped initializer was not found or not replaced
     */
    public static byte[] export(byte[] source, BertWeights trained, Map<String, String> metadata) throws IOException {
        OnnxModel model = OnnxModel.read(new ByteArrayInputStream(source));
        BertWeights original = BertWeights.from(model, trained.config());
        Map<String, float[]> values = trained.parameters();
        Map<String, float[]> byInitializer = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : original.sources().entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("trained weights have no parameter '" + e.getKey() + "' (initializer '" + e.getValue() + "')");
            }
            OnnxModel.Tensor t = model.initializer(e.getValue());
            if (t.size() != v.length) {
                throw new IllegalArgumentException("initializer '" + e.getValue() + "' (" + e.getKey() + ") has shape " + Arrays.toString(t.dims())
                        + " (" + t.size() + " values) but the trained weight has " + v.length + " values");
            }
            byInitializer.put(e.getValue(), v);
        }
        Map<String, Integer> replaced = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length + 1024);
        ProtoBytes.Cursor c = new ProtoBytes.Cursor(source, 0, source.length);
        while (c.more()) {
            int start = c.pos;
            int tag = c.tag();
            if (tag == (MODEL_GRAPH << 3 | ProtoReader.LEN)) {
                int len = c.length();
                byte[] graph = rewriteGraph(source, c.pos, c.pos + len, byInitializer, replaced);
                c.pos += len;
                ProtoBytes.writeLen(out, MODEL_GRAPH, graph);
            } else {
                c.skip(tag);
                out.write(source, start, c.pos - start);
            }
        }
        OnnxFields.writeMetadata(out, metadata);
        for (String name : byInitializer.keySet()) {
            int n = replaced.getOrDefault(name, 0);
            if (n != 1) {
                throw new IllegalArgumentException("initializer '" + name + "' was replaced " + n + " times (expected once)");
            }
        }
        byte[] result = out.toByteArray();
        verify(result, trained);
        return result;
    }

    /** The written file, mapped again, must hold exactly the trained values. */
    private static void verify(byte[] written, BertWeights trained) throws IOException {
        BertWeights back = BertWeights.from(OnnxModel.read(new ByteArrayInputStream(written)), trained.config());
        Map<String, float[]> want = trained.parameters();
        for (Map.Entry<String, float[]> e : back.parameters().entrySet()) {
            if (!Arrays.equals(e.getValue(), want.get(e.getKey()))) {
                throw new IllegalStateException("export check failed: '" + e.getKey() + "' (initializer '" + back.sources().get(e.getKey())
                        + "') does not hold the trained values after writing");
            }
        }
    }

    private static byte[] rewriteGraph(byte[] b, int from, int to, Map<String, float[]> byInitializer, Map<String, Integer> replaced) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 1024);
        ProtoBytes.Cursor c = new ProtoBytes.Cursor(b, from, to);
        while (c.more()) {
            int start = c.pos;
            int tag = c.tag();
            if (tag == (GRAPH_INITIALIZER << 3 | ProtoReader.LEN)) {
                int len = c.length();
                int tStart = c.pos;
                c.pos += len;
                byte[] t = rewriteTensor(b, tStart, tStart + len, byInitializer, replaced);
                if (t == null) {
                    out.write(b, start, c.pos - start);
                } else {
                    ProtoBytes.writeLen(out, GRAPH_INITIALIZER, t);
                }
            } else {
                c.skip(tag);
                out.write(b, start, c.pos - start);
            }
        }
        return out.toByteArray();
    }

    /** The rewritten TensorProto, or null when this tensor is not replaced. */
    private static byte[] rewriteTensor(byte[] b, int from, int to, Map<String, float[]> byInitializer, Map<String, Integer> replaced) {
        String name = null;
        long dataType = -1;
        ProtoBytes.Cursor c = new ProtoBytes.Cursor(b, from, to);
        while (c.more()) {
            int tag = c.tag();
            if (tag == (TENSOR_NAME << 3 | ProtoReader.LEN)) {
                int len = c.length();
                name = new String(b, c.pos, len, StandardCharsets.UTF_8);
                c.pos += len;
            } else if (tag == (TENSOR_DATA_TYPE << 3 | ProtoReader.VARINT)) {
                dataType = c.varint();
            } else {
                c.skip(tag);
            }
        }
        float[] v = name == null ? null : byInitializer.get(name);
        if (v == null) {
            return null;
        }
        if (dataType != OnnxModel.FLOAT) {
            throw new IllegalArgumentException("initializer '" + name + "' has data type " + dataType + ", expected FLOAT (1)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(v.length * 4 + 256);
        c = new ProtoBytes.Cursor(b, from, to);
        while (c.more()) {
            int start = c.pos;
            int tag = c.tag();
            c.skip(tag);
            int field = tag >>> 3;
            if (field != TENSOR_FLOAT_DATA && field != TENSOR_RAW_DATA) {
                out.write(b, start, c.pos - start);
            }
        }
        byte[] raw = new byte[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            raw[4 * i] = (byte) bits;
            raw[4 * i + 1] = (byte) (bits >>> 8);
            raw[4 * i + 2] = (byte) (bits >>> 16);
            raw[4 * i + 3] = (byte) (bits >>> 24);
        }
        ProtoBytes.writeLen(out, TENSOR_RAW_DATA, raw);
        replaced.merge(name, 1, Integer::sum);
        return out.toByteArray();
    }
}
