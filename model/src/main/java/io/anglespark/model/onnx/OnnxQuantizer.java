package io.anglespark.model.onnx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.anglespark.model.onnx.OnnxFields.ATTRIBUTE_I;
import static io.anglespark.model.onnx.OnnxFields.ATTRIBUTE_NAME;
import static io.anglespark.model.onnx.OnnxFields.ATTRIBUTE_TYPE;
import static io.anglespark.model.onnx.OnnxFields.ATTRIBUTE_TYPE_INT;
import static io.anglespark.model.onnx.OnnxFields.GRAPH_INITIALIZER;
import static io.anglespark.model.onnx.OnnxFields.GRAPH_NODE;
import static io.anglespark.model.onnx.OnnxFields.MODEL_GRAPH;
import static io.anglespark.model.onnx.OnnxFields.MODEL_METADATA;
import static io.anglespark.model.onnx.OnnxFields.NODE_ATTRIBUTE;
import static io.anglespark.model.onnx.OnnxFields.NODE_INPUT;
import static io.anglespark.model.onnx.OnnxFields.NODE_NAME;
import static io.anglespark.model.onnx.OnnxFields.NODE_OP_TYPE;
import static io.anglespark.model.onnx.OnnxFields.NODE_OUTPUT;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_DATA_TYPE;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_DIMS;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_NAME;
import static io.anglespark.model.onnx.OnnxFields.TENSOR_RAW_DATA;

/**
 * Dynamic int8 quantization of an encoder's ONNX file, in the graph form ONNX Runtime's own {@code quantize_dynamic}
 * writes for {@code MatMul}: every {@code MatMul} whose second input is a two-dimensional float initializer
 * {@code W [K, N]} (the dense layers: query, key, value, attention output, intermediate, output) becomes
 *
 * <pre>
 *   DynamicQuantizeLinear(A)                         -> A_q (uint8), A_scale, A_zero_point   (once per distinct A)
 *   Mul(A_scale, W_scale)                            -> scale
 *   MatMulInteger(A_q, W_q, A_zero_point, W_zero)    -> int32
 *   Cast(to = float) ; Mul(., scale)                 -> the MatMul's own output
 * </pre>
 *
 * with {@code W} quantized symmetrically per output column to int8 (zero point 0, scale {@code max|w| / 127}).
 * ONNX Runtime's CPU provider fuses the pattern ({@code MatMulIntegerToFloat}, {@code DynamicQuantizeMatMul}) and runs
 * it on its u8s8 kernels (VNNI where the CPU has it). A layer's bias {@code Add(b, y)}, as PyTorch's exporter writes it,
 * is rewritten {@code Add(y, b)}: ONNX Runtime folds a bias into the int8 kernel only as the Add's second input, which
 * saves a float pass over every dense layer's output. Attention's activation-by-activation products, embeddings, layer
 * norms and everything else stay float. The source file's other fields are copied byte for byte; a float initializer
 * is dropped only when every use of it was quantized. Requires opset 11 or later (DynamicQuantizeLinear).
 */
public final class OnnxQuantizer {
    private static final String PREFIX = "angle_q/";

    private OnnxQuantizer() {
    }

    /**
     * @param onnx        the quantized file
     * @param matMuls     MatMul nodes quantized
     * @param floatBytes  bytes of the float weights they used
     * @param int8Bytes   bytes of their int8 weights, scales and zero points
     */
    public record Result(byte[] onnx, int matMuls, long floatBytes, long int8Bytes) {
    }

    /** A weight to quantize: its float values [K, N], row-major. */
    private record Weight(String name, int k, int n, float[] values) {
    }

    /**
     * Quantizes {@code source} (a self-contained encoder ONNX file, e.g. an export's {@code onnx/model.onnx}).
     *
     * @param metadata {@code metadata_props} entries to set (replacing entries of the same key); may be empty
     * @throws IllegalArgumentException when the opset is older than 11 or no MatMul has a float weight
     */
    public static Result quantize(byte[] source, Map<String, String> metadata) throws IOException {
        OnnxModel model = OnnxModel.read(new ByteArrayInputStream(source));
        if (model.opset() < 11) {
            throw new IllegalArgumentException("opset " + model.opset() + " has no DynamicQuantizeLinear (opset 11 or later is needed)");
        }
        Map<String, Weight> weights = new LinkedHashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        Set<String> quantizedMatMuls = new HashSet<>();
        for (OnnxModel.Node node : model.nodes()) {
            node.inputs().forEach(in -> uses.merge(in, 1, Integer::sum));
            if (node.opType().equals("MatMul") && node.inputs().size() == 2 && model.initializers().containsKey(node.inputs().get(1))) {
                OnnxModel.Tensor t = model.initializer(node.inputs().get(1));
                if (t.dataType() == OnnxModel.FLOAT && t.dims().length == 2) {
                    weights.putIfAbsent(t.name(), new Weight(t.name(), (int) t.dims()[0], (int) t.dims()[1], t.floats()));
                    quantizedMatMuls.add(node.outputs().get(0));
                }
            }
        }
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("no MatMul with a two-dimensional float weight: nothing to quantize");
        }
        Map<String, Integer> quantizedUses = new HashMap<>();
        for (OnnxModel.Node node : model.nodes()) {
            if (quantizedMatMuls.contains(node.outputs().get(0))) {
                quantizedUses.merge(node.inputs().get(1), 1, Integer::sum);
            }
        }
        Set<String> biases = new HashSet<>();
        for (OnnxModel.Tensor t : model.initializers().values()) {
            if (t.dataType() == OnnxModel.FLOAT && t.dims().length == 1) {
                biases.add(t.name());
            }
        }
        Set<String> drop = new HashSet<>();
        for (String w : weights.keySet()) {
            if (uses.getOrDefault(w, 0).equals(quantizedUses.getOrDefault(w, 0))) {
                drop.add(w);
            }
        }

        long floatBytes = 0;
        long int8Bytes = 0;
        for (Weight w : weights.values()) {
            floatBytes += 4L * w.k() * w.n();
            int8Bytes += (long) w.k() * w.n() + 5L * w.n();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length / 3);
        ProtoBytes.Cursor c = new ProtoBytes.Cursor(source, 0, source.length);
        while (c.more()) {
            int start = c.pos;
            int tag = c.tag();
            if (tag == (MODEL_GRAPH << 3 | ProtoReader.LEN)) {
                int len = c.length();
                byte[] graph = rewriteGraph(source, c.pos, c.pos + len, weights, quantizedMatMuls, biases, drop);
                c.pos += len;
                ProtoBytes.writeLen(out, MODEL_GRAPH, graph);
            } else if (tag == (MODEL_METADATA << 3 | ProtoReader.LEN) && metadata.containsKey(ProtoBytes.firstString(source, c.pos, OnnxFields.ENTRY_KEY))) {
                c.skip(tag); // replaced below
            } else {
                c.skip(tag);
                out.write(source, start, c.pos - start);
            }
        }
        OnnxFields.writeMetadata(out, metadata);
        return new Result(out.toByteArray(), quantizedMatMuls.size(), floatBytes, int8Bytes);
    }

    private static byte[] rewriteGraph(byte[] b, int from, int to, Map<String, Weight> weights, Set<String> quantizedMatMuls, Set<String> biases,
                                       Set<String> drop) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        Set<String> quantizedActivations = new HashSet<>();
        ProtoBytes.Cursor c = new ProtoBytes.Cursor(b, from, to);
        while (c.more()) {
            int start = c.pos;
            int tag = c.tag();
            if (tag == (GRAPH_NODE << 3 | ProtoReader.LEN)) {
                int len = c.length();
                NodeFields node = NodeFields.read(b, c.pos, c.pos + len);
                c.pos += len;
                if (node.opType.equals("MatMul") && node.outputs.size() == 1 && quantizedMatMuls.contains(node.outputs.get(0))) {
                    for (byte[] n : replacement(node, quantizedActivations.add(node.inputs.get(0)))) {
                        ProtoBytes.writeLen(out, GRAPH_NODE, n);
                    }
                } else if (isBiasFirst(node, quantizedMatMuls, biases)) {
                    // Add(bias, y) -> Add(y, bias): ONNX Runtime folds a bias into its int8 kernel only as Add's second input
                    ProtoBytes.writeLen(out, GRAPH_NODE, node(node.name, "Add", List.of(node.inputs.get(1), node.inputs.get(0)), node.outputs, null));
                } else {
                    out.write(b, start, c.pos - start);
                }
            } else if (tag == (GRAPH_INITIALIZER << 3 | ProtoReader.LEN) && drop.contains(ProtoBytes.firstString(b, c.pos, TENSOR_NAME))) {
                c.skip(tag);
            } else {
                c.skip(tag);
                out.write(b, start, c.pos - start);
            }
        }
        for (Weight w : weights.values()) {
            writeQuantized(out, w);
        }
        return out.toByteArray();
    }

    /** An {@code Add} of a one-dimensional float initializer (a dense layer's bias) and a quantized MatMul's output, in that order. */
    private static boolean isBiasFirst(NodeFields node, Set<String> quantizedMatMuls, Set<String> biases) {
        return node.opType.equals("Add") && node.inputs.size() == 2 && biases.contains(node.inputs.get(0))
                && quantizedMatMuls.contains(node.inputs.get(1));
    }

    /** A NodeProto's inputs, outputs, name and op type. */
    private static final class NodeFields {
        final List<String> inputs = new ArrayList<>();
        final List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";

        static NodeFields read(byte[] b, int from, int to) {
            NodeFields f = new NodeFields();
            ProtoBytes.Cursor c = new ProtoBytes.Cursor(b, from, to);
            while (c.more()) {
                int tag = c.tag();
                if ((tag & 7) == ProtoReader.LEN && (tag >>> 3) <= NODE_OP_TYPE) {
                    int n = c.length();
                    String s = new String(b, c.pos, n, StandardCharsets.UTF_8);
                    c.pos += n;
                    switch (tag >>> 3) {
                        case NODE_INPUT -> f.inputs.add(s);
                        case NODE_OUTPUT -> f.outputs.add(s);
                        case NODE_NAME -> f.name = s;
                        default -> f.opType = s;
                    }
                } else {
                    c.skip(tag);
                }
            }
            return f;
        }
    }

    /** The nodes that replace one MatMul; the activation's DynamicQuantizeLinear only for its first consumer. */
    private static List<byte[]> replacement(NodeFields mm, boolean quantizeActivation) {
        String a = mm.inputs.get(0);
        String w = mm.inputs.get(1);
        String y = mm.outputs.get(0);
        String base = PREFIX + (mm.name.isEmpty() ? y : mm.name);
        List<byte[]> nodes = new ArrayList<>();
        if (quantizeActivation) {
            nodes.add(node(PREFIX + a + "/quantize", "DynamicQuantizeLinear", List.of(a), List.of(aq(a), as(a), az(a)), null));
        }
        nodes.add(node(base + "/scale", "Mul", List.of(as(a), PREFIX + w + "/scale"), List.of(base + "/scale"), null));
        nodes.add(node(base + "/matmul", "MatMulInteger", List.of(aq(a), PREFIX + w + "/quantized", az(a), PREFIX + w + "/zero_point"),
                List.of(base + "/int32"), null));
        nodes.add(node(base + "/cast", "Cast", List.of(base + "/int32"), List.of(base + "/float"), OnnxModel.FLOAT));
        nodes.add(node(base + "/rescale", "Mul", List.of(base + "/float", base + "/scale"), List.of(y), null));
        return nodes;
    }

    private static String aq(String a) {
        return PREFIX + a + "/quantized";
    }

    private static String as(String a) {
        return PREFIX + a + "/scale";
    }

    private static String az(String a) {
        return PREFIX + a + "/zero_point";
    }

    /** A NodeProto; {@code castTo} non-null adds Cast's {@code to} attribute. */
    private static byte[] node(String name, String op, List<String> inputs, List<String> outputs, Integer castTo) {
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        for (String in : inputs) {
            ProtoBytes.writeString(n, NODE_INPUT, in);
        }
        for (String o : outputs) {
            ProtoBytes.writeString(n, NODE_OUTPUT, o);
        }
        ProtoBytes.writeString(n, NODE_NAME, name);
        ProtoBytes.writeString(n, NODE_OP_TYPE, op);
        if (castTo != null) {
            ByteArrayOutputStream attr = new ByteArrayOutputStream();
            ProtoBytes.writeString(attr, ATTRIBUTE_NAME, "to");
            ProtoBytes.writeVarintField(attr, ATTRIBUTE_I, castTo);
            ProtoBytes.writeVarintField(attr, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
            ProtoBytes.writeLen(n, NODE_ATTRIBUTE, attr.toByteArray());
        }
        return n.toByteArray();
    }

    /** W as int8 [K, N], its per-column scales [N] (float) and zero points [N] (int8, all 0). */
    private static void writeQuantized(ByteArrayOutputStream out, Weight w) {
        int k = w.k();
        int n = w.n();
        float[] scale = new float[n];
        for (int j = 0; j < n; j++) {
            float max = 0;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, Math.abs(w.values()[i * n + j]));
            }
            scale[j] = max == 0 ? 1f : max / 127f;
        }
        byte[] q = new byte[k * n];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = (byte) Math.max(-127, Math.min(127, Math.round(w.values()[i * n + j] / scale[j])));
            }
        }
        byte[] scaleBytes = new byte[4 * n];
        for (int j = 0; j < n; j++) {
            int bits = Float.floatToRawIntBits(scale[j]);
            for (int x = 0; x < 4; x++) {
                scaleBytes[4 * j + x] = (byte) (bits >>> (8 * x));
            }
        }
        ProtoBytes.writeLen(out, GRAPH_INITIALIZER, tensor(PREFIX + w.name() + "/quantized", new long[]{k, n}, OnnxModel.INT8, q));
        ProtoBytes.writeLen(out, GRAPH_INITIALIZER, tensor(PREFIX + w.name() + "/scale", new long[]{n}, OnnxModel.FLOAT, scaleBytes));
        ProtoBytes.writeLen(out, GRAPH_INITIALIZER, tensor(PREFIX + w.name() + "/zero_point", new long[]{n}, OnnxModel.INT8, new byte[n]));
    }

    private static byte[] tensor(String name, long[] dims, int dataType, byte[] raw) {
        ByteArrayOutputStream t = new ByteArrayOutputStream(raw.length + 64);
        for (long d : dims) {
            ProtoBytes.writeVarintField(t, TENSOR_DIMS, d);
        }
        ProtoBytes.writeVarintField(t, TENSOR_DATA_TYPE, dataType);
        ProtoBytes.writeString(t, TENSOR_NAME, name);
        ProtoBytes.writeLen(t, TENSOR_RAW_DATA, raw);
        return t.toByteArray();
    }
}
