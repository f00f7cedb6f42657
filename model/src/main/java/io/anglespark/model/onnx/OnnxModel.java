package io.anglespark.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} that a weight importer needs: the main graph's nodes in graph
 * (topological) order, its initializers by name, and its input and output names. Read by a small
 * protobuf wire-format reader of our own, field numbers as in {@code onnx/onnx.proto}.
 *
 * <p>{@link #read} streams: tensor payloads are decoded straight from the stream into their final
 * {@code float[]}/{@code long[]}, so peak memory is about one copy of the weights (a 133 MB file needs
 * about 133 MB of heap). Everything else in the file (doc strings, value_info, metadata) is skipped.
 *
 * @param producer      {@code producer_name} ("" when absent)
 * @param opset         version of the default ({@code ai.onnx}) operator set, 0 when not declared
 * @param graphName     the graph's name
 * @param nodes         the graph's nodes, in file order (ONNX requires topological order)
 * @param initializers  constant tensors by name, in file order
 * @param inputs        graph input names that are not initializers (the model's real inputs)
 * @param outputs       graph output names
 */
public record OnnxModel(String producer, long opset, String graphName, List<Node> nodes, Map<String, Tensor> initializers,
                        List<String> inputs, List<String> outputs) {

    /** {@code TensorProto.DataType} codes this reader decodes. */
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, BOOL = 9;

    /**
     * A dense tensor, row-major. FLOAT data is in {@code floats} ({@code longs} null); INT64, INT32, INT8, UINT8
     * and BOOL data are widened into {@code longs} ({@code floats} null). The array holds exactly
     * {@link #size()} elements; it is shared, not copied, by everything built from the model: treat it as
     * read-only. (Record equality of the arrays is by identity.)
     *
     * @param name     tensor name ("" for an anonymous attribute value)
     * @param dims     shape; empty for a scalar
     * @param dataType ONNX {@code TensorProto.DataType} code
     */
    public record Tensor(String name, long[] dims, int dataType, float[] floats, long[] longs) {
        /** Element count: the product of the dims (1 for a scalar). */
        public long size() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The single value of a one-element tensor, as a double. */
        public double scalar() {
            if (size() != 1) {
                throw new IllegalStateException("tensor '" + name + "' of shape " + Arrays.toString(dims) + " is not a scalar");
            }
            return floats != null ? floats[0] : longs[0];
        }

        @Override
        public String toString() {
            return "Tensor[" + name + " " + Arrays.toString(dims) + " type " + dataType + "]";
        }
    }

    /**
     * A node attribute; only the field that its {@code type} names is meaningful.
     *
     * @param type ONNX {@code AttributeProto.AttributeType} (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS)
     */
    public record Attribute(String name, int type, float f, long i, String s, Tensor t, float[] floats, long[] ints) {
    }

    /**
     * One operator application.
     *
     * @param name       node name ("" when absent)
     * @param opType     operator, e.g. {@code MatMul}
     * @param inputs     input value names, in operand order ("" for an omitted optional input)
     * @param outputs    output value names
     * @param attributes attributes by name
     */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
        public Node(String name, String opType, List<String> inputs, List<String> outputs) {
            this(name, opType, inputs, outputs, Map.of());
        }

        @Override
        public String toString() {
            return opType + " '" + name + "' " + inputs + " -> " + outputs;
        }
    }

    /** An initializer; fails naming the tensor when there is none of that name. */
    public Tensor initializer(String name) {
        Tensor t = initializers.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no initializer named '" + name + "'");
        }
        return t;
    }

    /**
     * Reads a model from a stream (not closed). Fails with an {@link IOException} on malformed input, on
     * tensors stored as external data or in segments, and on tensor types other than FLOAT, INT32, INT64, INT8,
     * UINT8 and BOOL.
     */
    public static OnnxModel read(InputStream in) throws IOException {
        ProtoReader r = new ProtoReader(in);
        String producer = "";
        long opset = 0;
        OnnxModel graph = null;
        while (!r.atLimit()) {
            int tag = r.readTag();
            switch (tag) {
                case 2 << 3 | ProtoReader.LEN -> producer = r.readString();
                case 8 << 3 | ProtoReader.LEN -> {
                    long old = r.pushLimit(r.readLength());
                    String domain = "";
                    long version = 0;
                    while (!r.atLimit()) {
                        int t = r.readTag();
                        if (t == (1 << 3 | ProtoReader.LEN)) {
                            domain = r.readString();
                        } else if (t == (2 << 3 | ProtoReader.VARINT)) {
                            version = r.readVarint();
                        } else {
                            r.skipField(t);
                        }
                    }
                    r.popLimit(old);
                    if (domain.isEmpty() || domain.equals("ai.onnx")) {
                        opset = version;
                    }
                }
                case 7 << 3 | ProtoReader.LEN -> {
                    if (graph != null) {
                        throw new IOException("ModelProto has two graphs");
                    }
                    long old = r.pushLimit(r.readLength());
                    graph = readGraph(r);
                    r.popLimit(old);
                }
                default -> r.skipField(tag);
            }
        }
        if (graph == null) {
            throw new IOException("no graph in the ONNX model (is this an ONNX file?)");
        }
        return new OnnxModel(producer, opset, graph.graphName, graph.nodes, graph.initializers, graph.inputs, graph.outputs);
    }

    private static OnnxModel readGraph(ProtoReader r) throws IOException {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        while (!r.atLimit()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> nodes.add(readNode(r));
                case 2 << 3 | ProtoReader.LEN -> name = r.readString();
                case 5 << 3 | ProtoReader.LEN -> {
                    Tensor t = readTensorField(r);
                    if (inits.put(t.name(), t) != null) {
                        throw new IOException("two initializers named '" + t.name() + "'");
                    }
                }
                case 15 << 3 | ProtoReader.LEN -> throw new IOException("sparse initializers are not supported");
                case 11 << 3 | ProtoReader.LEN -> inputs.add(readValueInfoName(r));
                case 12 << 3 | ProtoReader.LEN -> outputs.add(readValueInfoName(r));
                default -> r.skipField(tag);
            }
        }
        // Before IR 4 initializers were also listed as graph inputs; keep only the real inputs.
        inputs.removeIf(inits::containsKey);
        return new OnnxModel("", 0, name, List.copyOf(nodes), Collections.unmodifiableMap(inits), List.copyOf(inputs), List.copyOf(outputs));
    }

    private static String readValueInfoName(ProtoReader r) throws IOException {
        long old = r.pushLimit(r.readLength());
        String name = "";
        while (!r.atLimit()) {
            int tag = r.readTag();
            if (tag == (1 << 3 | ProtoReader.LEN)) {
                name = r.readString();
            } else {
                r.skipField(tag);
            }
        }
        r.popLimit(old);
        return name;
    }

    private static Node readNode(ProtoReader r) throws IOException {
        long old = r.pushLimit(r.readLength());
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        String name = "";
        String op = "";
        while (!r.atLimit()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> inputs.add(r.readString());
                case 2 << 3 | ProtoReader.LEN -> outputs.add(r.readString());
                case 3 << 3 | ProtoReader.LEN -> name = r.readString();
                case 4 << 3 | ProtoReader.LEN -> op = r.readString();
                case 5 << 3 | ProtoReader.LEN -> {
                    Attribute a = readAttribute(r);
                    attrs.put(a.name(), a);
                }
                default -> r.skipField(tag);
            }
        }
        r.popLimit(old);
        return new Node(name, op, List.copyOf(inputs), List.copyOf(outputs), Collections.unmodifiableMap(attrs));
    }

    private static Attribute readAttribute(ProtoReader r) throws IOException {
        long old = r.pushLimit(r.readLength());
        String name = "";
        String s = null;
        int type = 0;
        float f = 0;
        long i = 0;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        while (!r.atLimit()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> name = r.readString();
                case 20 << 3 | ProtoReader.VARINT -> type = (int) r.readVarint();
                case 2 << 3 | ProtoReader.FIXED32 -> f = Float.intBitsToFloat(r.readFixed32());
                case 3 << 3 | ProtoReader.VARINT -> i = r.readVarint();
                case 4 << 3 | ProtoReader.LEN -> s = r.readString();
                case 5 << 3 | ProtoReader.LEN -> t = readTensorField(r);
                case 7 << 3 | ProtoReader.FIXED32, 7 << 3 | ProtoReader.LEN -> readFloats(r, tag, floats);
                case 8 << 3 | ProtoReader.VARINT, 8 << 3 | ProtoReader.LEN -> readVarints(r, tag, ints);
                default -> r.skipField(tag); // graphs, sparse tensors, type protos: not used by these encoders
            }
        }
        r.popLimit(old);
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray());
    }

    /** Reads a length-delimited TensorProto field. */
    private static Tensor readTensorField(ProtoReader r) throws IOException {
        long start = r.position();
        long old = r.pushLimit(r.readLength());
        LongList dims = new LongList();
        FloatList floatData = new FloatList();
        LongList intData = new LongList();
        int type = 0;
        String name = "";
        float[] rawFloats = null;
        long[] rawLongs = null;
        byte[] rawBytes = null;
        boolean external = false;
        while (!r.atLimit()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.VARINT, 1 << 3 | ProtoReader.LEN -> readVarints(r, tag, dims);
                case 2 << 3 | ProtoReader.VARINT -> type = (int) r.readVarint();
                case 3 << 3 | ProtoReader.LEN -> throw new IOException("tensor at offset " + start + " is stored in segments; not supported");
                case 4 << 3 | ProtoReader.FIXED32, 4 << 3 | ProtoReader.LEN -> readFloats(r, tag, floatData);
                case 5 << 3 | ProtoReader.VARINT, 5 << 3 | ProtoReader.LEN, 7 << 3 | ProtoReader.VARINT, 7 << 3 | ProtoReader.LEN ->
                        readVarints(r, tag, intData); // int32 varints are sign-extended to 64 bits, so one decoder serves both
                case 8 << 3 | ProtoReader.LEN -> name = r.readString();
                case 9 << 3 | ProtoReader.LEN -> {
                    int n = r.readLength();
                    // data_type precedes raw_data in canonical serialisation: decode straight into the final array.
                    if (type == FLOAT && n % 4 == 0) {
                        rawFloats = new float[n / 4];
                        r.readFloatsLE(rawFloats);
                    } else if (type == INT64 && n % 8 == 0) {
                        rawLongs = new long[n / 8];
                        r.readLongsLE(rawLongs);
                    } else {
                        rawBytes = r.readBytes(n);
                    }
                }
                case 13 << 3 | ProtoReader.LEN -> {
                    external = true;
                    r.skipField(tag);
                }
                case 14 << 3 | ProtoReader.VARINT -> external |= r.readVarint() == 1;
                default -> r.skipField(tag);
            }
        }
        r.popLimit(old);
        String what = "tensor '" + name + "' (at offset " + start + ")";
        if (external) {
            throw new IOException(what + " keeps its data in an external file (data_location = EXTERNAL); only self-contained "
                    + "ONNX files are supported: re-export with all tensors inside the .onnx file");
        }
        long[] shape = dims.toArray();
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IOException(what + " has a negative dimension: " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        float[] floats = null;
        long[] longs = null;
        if (rawBytes != null) {
            int width = switch (type) {
                case FLOAT, INT32 -> 4;
                case INT64 -> 8;
                case BOOL, INT8, UINT8 -> 1;
                default -> 0;
            };
            if (width == 0 || rawBytes.length % width != 0) {
                throw new IOException(what + ": raw_data of " + rawBytes.length + " bytes for data type " + type + " is not supported");
            }
            ByteBuffer bb = ByteBuffer.wrap(rawBytes).order(ByteOrder.LITTLE_ENDIAN);
            if (type == FLOAT) {
                floats = new float[rawBytes.length / 4];
                bb.asFloatBuffer().get(floats);
            } else {
                longs = new long[rawBytes.length / width];
                for (int k = 0; k < longs.length; k++) {
                    longs[k] = switch (width) {
                        case 8 -> bb.getLong();
                        case 4 -> bb.getInt();
                        default -> type == UINT8 ? bb.get() & 0xff : bb.get();
                    };
                }
            }
        } else if (rawFloats != null || rawLongs != null) {
            floats = rawFloats;
            longs = rawLongs;
        } else if (type == FLOAT) {
            floats = floatData.toArray();
        } else {
            longs = intData.toArray();
        }
        if (type != FLOAT && type != INT32 && type != INT64 && type != BOOL && type != INT8 && type != UINT8) {
            throw new IOException(what + " has data type " + type + "; this reader decodes FLOAT, INT32, INT64, INT8, UINT8 and BOOL only");
        }
        long got = floats != null ? floats.length : longs.length;
        if (got != size) {
            throw new IOException(what + " of shape " + Arrays.toString(shape) + " holds " + got + " elements, expected " + size);
        }
        return new Tensor(name, shape, type, floats, longs);
    }

    /** A repeated float field, packed ({@code LEN}) or not ({@code FIXED32}). */
    private static void readFloats(ProtoReader r, int tag, FloatList out) throws IOException {
        if ((tag & 7) == ProtoReader.FIXED32) {
            out.add(Float.intBitsToFloat(r.readFixed32()));
            return;
        }
        int n = r.readLength();
        if (n % 4 != 0) {
            throw new IOException("packed floats of " + n + " bytes at offset " + r.position());
        }
        float[] chunk = new float[n / 4];
        r.readFloatsLE(chunk);
        out.addAll(chunk);
    }

    /** A repeated varint field, packed ({@code LEN}) or not ({@code VARINT}). */
    private static void readVarints(ProtoReader r, int tag, LongList out) throws IOException {
        if ((tag & 7) == ProtoReader.VARINT) {
            out.add(r.readVarint());
            return;
        }
        long old = r.pushLimit(r.readLength());
        while (!r.atLimit()) {
            out.add(r.readVarint());
        }
        r.popLimit(old);
    }

    private static final class FloatList {
        private float[] a = new float[4];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        /** Appends; the first chunk is adopted, not copied (a packed field usually comes whole). */
        void addAll(float[] v) {
            if (n == 0) {
                a = v;
                n = v.length;
                return;
            }
            for (float x : v) {
                add(x);
            }
        }

        float[] toArray() {
            return n == a.length ? a : Arrays.copyOf(a, n);
        }
    }

    private static final class LongList {
        private long[] a = new long[4];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
