package io.anglespark.model.onnx;

import io.anglespark.model.BertConfig;
import io.anglespark.model.onnx.OnnxModel.Node;
import io.anglespark.model.onnx.OnnxModel.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxModelTest {

    /** A ModelProto exercising every tensor encoding, packed and unpacked repeats, attributes and unknown fields. */
    private static byte[] handBuiltModel() {
        ProtoWriter graph = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "x").string(1, "w").string(2, "y").string(3, "mm").string(4, "MatMul")
                        .message(5, new ProtoWriter().string(1, "alpha").fixed32(2, Float.floatToIntBits(0.25f)).varint(20, 1))
                        .message(5, new ProtoWriter().string(1, "perm").varint(8, 0).varint(8, 2).varint(8, 1).varint(20, 7))
                        .message(5, new ProtoWriter().string(1, "scales").floatsLE(7, 1.5f, -2f).varint(20, 6))
                        .message(5, new ProtoWriter().string(1, "value").varint(20, 4)
                                .message(5, new ProtoWriter().varint(1, 2).varint(2, OnnxModel.INT64).packedVarints(7, -1, 5)))
                        .string(6, "a doc string to skip"))
                .string(2, "g")
                // raw little-endian floats, dims packed
                .message(5, new ProtoWriter().packedVarints(1, 2, 2).varint(2, OnnxModel.FLOAT).string(8, "w").floatsLE(9, 1, 2, 3, -4.5f))
                // packed float_data, dims unpacked
                .message(5, new ProtoWriter().varint(1, 3).varint(2, OnnxModel.FLOAT).floatsLE(4, 0.5f, 0.25f, 0.125f).string(8, "packed"))
                // unpacked float_data
                .message(5, new ProtoWriter().varint(1, 2).varint(2, OnnxModel.FLOAT).fixed32(4, Float.floatToIntBits(7f))
                        .fixed32(4, Float.floatToIntBits(8f)).string(8, "unpacked"))
                // raw int64, and raw_data before data_type (decoded at the end)
                .message(5, new ProtoWriter().varint(1, 2).varint(2, OnnxModel.INT64).string(8, "ids").longsLE(9, 7, -9))
                .message(5, new ProtoWriter().varint(1, 1).string(8, "late").floatsLE(9, 3.25f).varint(2, OnnxModel.FLOAT))
                // int32_data with a negative value (10-byte varint), a scalar
                .message(5, new ProtoWriter().varint(1, 2).varint(2, OnnxModel.INT32).varint(5, -3).varint(5, 4).string(8, "i32"))
                .message(5, new ProtoWriter().varint(2, OnnxModel.FLOAT).string(8, "scalar").floatsLE(4, 42f))
                .message(11, new ProtoWriter().string(1, "x").message(2, new ProtoWriter().varint(1, 1)))
                .message(11, new ProtoWriter().string(1, "w")) // an initializer listed as input (IR < 4 style)
                .message(12, new ProtoWriter().string(1, "y"))
                .message(13, new ProtoWriter().string(1, "value_info to skip"));
        return new ProtoWriter().varint(1, 7).string(2, "hand").string(3, "1.0")
                .message(8, new ProtoWriter().string(1, "com.microsoft").varint(2, 1))
                .message(8, new ProtoWriter().string(1, "").varint(2, 13))
                .message(7, graph)
                .fixed32(99, 12345)
                .string(14, "metadata to skip")
                .toByteArray();
    }

    /** Hands out 1 to 3 bytes per read, so every refill boundary of the reader is crossed. */
    private static InputStream trickle(byte[] b) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            private int k;

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, 1 + k++ % 3));
            }
        };
    }

    @Test
    void aHandBuiltModelIsReadWithEveryTensorEncodingEvenFromATrickleStream() throws IOException {
        for (InputStream in : List.of(new ByteArrayInputStream(handBuiltModel()), trickle(handBuiltModel()))) {
            OnnxModel m = OnnxModel.read(in);
            assertEquals("hand", m.producer());
            assertEquals(13, m.opset());
            assertEquals("g", m.graphName());
            assertEquals(List.of("x"), m.inputs());
            assertEquals(List.of("y"), m.outputs());
            Node mm = m.nodes().get(0);
            assertEquals(new Node("mm", "MatMul", List.of("x", "w"), List.of("y")).toString(), mm.toString());
            assertEquals(0.25f, mm.attributes().get("alpha").f());
            assertArrayEquals(new long[]{0, 2, 1}, mm.attributes().get("perm").ints());
            assertArrayEquals(new float[]{1.5f, -2f}, mm.attributes().get("scales").floats());
            assertArrayEquals(new long[]{-1, 5}, mm.attributes().get("value").t().longs());

            Map<String, Tensor> t = m.initializers();
            assertEquals(List.of("w", "packed", "unpacked", "ids", "late", "i32", "scalar"), List.copyOf(t.keySet()));
            assertArrayEquals(new long[]{2, 2}, t.get("w").dims());
            assertArrayEquals(new float[]{1, 2, 3, -4.5f}, t.get("w").floats());
            assertNull(t.get("w").longs());
            assertArrayEquals(new float[]{0.5f, 0.25f, 0.125f}, t.get("packed").floats());
            assertArrayEquals(new float[]{7, 8}, t.get("unpacked").floats());
            assertArrayEquals(new long[]{7, -9}, t.get("ids").longs());
            assertArrayEquals(new float[]{3.25f}, t.get("late").floats());
            assertArrayEquals(new long[]{-3, 4}, t.get("i32").longs());
            assertEquals(0, t.get("scalar").dims().length);
            assertEquals(42.0, t.get("scalar").scalar());
        }
    }

    @Test
    void externalDataIsRefusedNamingTheTensor() {
        byte[] model = new ProtoWriter().message(7, new ProtoWriter().message(5, new ProtoWriter().varint(1, 2)
                .varint(2, OnnxModel.FLOAT).string(8, "big.weight")
                .message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin"))
                .varint(14, 1))).toByteArray();
        String msg = assertThrows(IOException.class, () -> OnnxModel.read(new ByteArrayInputStream(model))).getMessage();
        assertTrue(msg.contains("big.weight") && msg.contains("EXTERNAL"), msg);
    }

    @Test
    void truncatedOverrunningOrInconsistentInputFailsInsteadOfReturningGarbage() {
        byte[] good = handBuiltModel();
        assertThrows(EOFException.class, () -> OnnxModel.read(new ByteArrayInputStream(Arrays.copyOf(good, good.length / 2))));
        // a tensor that claims more bytes than its graph holds
        byte[] inner = new ProtoWriter().string(8, "t").toByteArray();
        byte[] overrun = new ProtoWriter().message(7, new ProtoWriter().bytes(5, inner)).toByteArray();
        overrun[3] = (byte) (inner.length + 5); // the tensor's own length prefix
        String msg = assertThrows(IOException.class, () -> OnnxModel.read(new ByteArrayInputStream(overrun))).getMessage();
        assertTrue(msg.contains("overruns") || msg.contains("bad length"), msg);
        // dims say 3 elements, data has 2
        byte[] short2 = new ProtoWriter().message(7, new ProtoWriter().message(5, new ProtoWriter().varint(1, 3)
                .varint(2, OnnxModel.FLOAT).string(8, "short").floatsLE(9, 1, 2))).toByteArray();
        msg = assertThrows(IOException.class, () -> OnnxModel.read(new ByteArrayInputStream(short2))).getMessage();
        assertTrue(msg.contains("short") && msg.contains("expected 3"), msg);
        assertThrows(IOException.class, () -> OnnxModel.read(new ByteArrayInputStream(new byte[0])));
    }

    /** Expected initializer count: 5 embedding tensors + 16 per layer (+ the int64 position_ids table where exported as one). */
    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void eachExportHasTheDocumentedInterfaceAndExactlyTheBertInitializerShapes(String name) {
        ExportedModels.Loaded loaded = ExportedModels.get(name);
        OnnxModel m = loaded.model();
        BertConfig c = loaded.spec().config();
        assertEquals("pytorch", m.producer());
        assertEquals(11, m.opset());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), m.inputs());
        assertEquals(List.of("last_hidden_state"), m.outputs());

        // bge exports position_ids as a Constant node rather than an initializer
        boolean positionIdsInitializer = !name.startsWith("bge");
        assertEquals(5 + 16 * c.layers() + (positionIdsInitializer ? 1 : 0), m.initializers().size());

        long h = c.hidden(), f = c.intermediate(), layers = c.layers();
        Map<String, Long> expected = new TreeMap<>(Map.of(
                shape(c.vocab(), h), 1L, shape(c.positions(), h), 1L, shape(c.typeVocab(), h), 1L,
                shape(h, h), 4 * layers, shape(h, f), layers, shape(f, h), layers, shape(f), layers, shape(h), 2 + 9 * layers));
        Map<String, Long> found = new TreeMap<>();
        long floats = 0;
        for (Tensor t : m.initializers().values()) {
            if (t.dataType() == OnnxModel.FLOAT) {
                found.merge(shape(t.dims()), 1L, Long::sum);
                floats += t.size();
            } else {
                assertEquals(OnnxModel.INT64, t.dataType(), t.toString());
                assertArrayEquals(new long[]{1, c.positions()}, t.dims(), t.toString());
            }
        }
        assertEquals(expected, found);
        assertEquals(c.embeddingParameters() + c.nonEmbeddingParameters(), floats);
    }

    @Test
    void streamingTheJarResourceGivesTheSameModelAsReadingItsBytes() throws IOException {
        ExportedModels.Loaded loaded = ExportedModels.get("minilm-l6-v2");
        OnnxModel streamed;
        try (InputStream in = loaded.spec().openOnnx()) {
            streamed = OnnxModel.read(in);
        }
        assertEquals(loaded.model().nodes().toString(), streamed.nodes().toString());
        assertEquals(loaded.model().initializers().keySet(), streamed.initializers().keySet());
        for (Tensor t : loaded.model().initializers().values()) {
            Tensor s = streamed.initializer(t.name());
            assertArrayEquals(t.dims(), s.dims());
            assertArrayEquals(t.floats(), s.floats(), t.name());
            assertArrayEquals(t.longs(), s.longs(), t.name());
        }
    }

    private static String shape(long... dims) {
        return Arrays.toString(dims);
    }
}
