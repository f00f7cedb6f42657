package io.anglespark.jobs.common;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Test;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bulk ND4J serializer against ND4J's own (element by element) as the oracle: the same arrays back, the payload the elements' bytes. */
class NdArraySerializerTest {
    private static byte[] write(com.esotericsoftware.kryo.Serializer<INDArray> s, INDArray a) {
        Output out = new Output(1024, -1);
        s.write(new Kryo(), out, a);
        return out.toBytes();
    }

    private static INDArray read(com.esotericsoftware.kryo.Serializer<INDArray> s, byte[] bytes) {
        return s.read(new Kryo(), new Input(bytes), INDArray.class);
    }

    @Test
    void everyDataTypeAndShapeReadsBackAsNd4jsOwnSerializerReadsIt() {
        Nd4j.getRandom().setSeed(7);
        INDArray f = Nd4j.rand(DataType.FLOAT, 3, 1000, 7);
        List<INDArray> arrays = List.of(f, f.castTo(DataType.DOUBLE), f.castTo(DataType.HALF), f.castTo(DataType.BFLOAT16),
                f.mul(1000).castTo(DataType.INT), f.mul(1e6).castTo(DataType.LONG), f.gt(0.5), f.mul(100).castTo(DataType.BYTE),
                Nd4j.scalar(3.5f), Nd4j.create(DataType.FLOAT, 0, 4), Nd4j.rand(DataType.FLOAT, 2 * (1 << 20) + 3));
        NdArraySerializer bulk = new NdArraySerializer();
        Nd4jSerializer nd4j = new Nd4jSerializer();
        for (INDArray a : arrays) {
            INDArray back = read(bulk, write(bulk, a));
            INDArray oracle = read(nd4j, write(nd4j, a));
            assertEquals(a.dataType(), back.dataType(), a.dataType().toString());
            assertArrayEquals(a.shape(), back.shape(), a.dataType().toString());
            assertEquals(oracle, back, "as ND4J's serializer reads it: " + a.dataType() + " " + java.util.Arrays.toString(a.shape()));
            assertEquals(a, back);
        }
        // the payload is the elements' bytes and a few header bytes
        assertTrue(write(bulk, f).length <= 4L * f.length() + 16, write(bulk, f).length + " bytes");
    }

    @Test
    void viewsAndFortranOrderArraysAreWrittenAsTheirCOrderCopies() {
        INDArray m = Nd4j.linspace(DataType.FLOAT, 1, 60, 1).reshape('c', 6, 10);
        NdArraySerializer bulk = new NdArraySerializer();
        for (INDArray a : List.of(m.getRow(2), m.getColumn(3), m.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 9)), m.dup('f'), m.transpose())) {
            INDArray back = read(bulk, write(bulk, a));
            assertEquals(a, back, a.shapeInfoToString());
            assertEquals('c', back.ordering());
        }
    }

    @Test
    void aTruncatedStreamAndAStringArrayFailClearly() {
        NdArraySerializer bulk = new NdArraySerializer();
        byte[] whole = write(bulk, Nd4j.rand(DataType.FLOAT, 100));
        assertThrows(KryoException.class, () -> read(bulk, java.util.Arrays.copyOf(whole, whole.length - 10)));
        KryoException s = assertThrows(KryoException.class, () -> write(bulk, Nd4j.create("a", "b")));
        assertTrue(s.getMessage().contains("string"), s.getMessage());
    }

    @Test
    void anArrayIsReadIntoARecycledOneOfItsTypeAndShapeAndOnlyThose() {
        RecycledArrays.clear();
        try {
            NdArraySerializer bulk = new NdArraySerializer();
            INDArray sent = Nd4j.rand(DataType.FLOAT, 4, 5);
            INDArray old = Nd4j.zeros(DataType.FLOAT, 4, 5);
            RecycledArrays.recycle(old);
            RecycledArrays.recycle(old);
            RecycledArrays.recycle(Nd4j.zeros(DataType.DOUBLE, 4, 5));
            RecycledArrays.recycle(Nd4j.zeros(DataType.FLOAT, 5, 4));
            RecycledArrays.recycle(Nd4j.zeros(DataType.FLOAT, 8, 5).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            assertEquals(3, RecycledArrays.kept(), "once each, and never a view");
            INDArray back = read(bulk, write(bulk, sent));
            assertTrue(back == old, "read into the recycled array of its type and shape");
            assertEquals(sent, back);
            assertEquals(2, RecycledArrays.kept());
            INDArray next = read(bulk, write(bulk, sent));
            assertTrue(next != old, "a recycled array is handed out once");
            assertEquals(sent, next);
        } finally {
            RecycledArrays.clear();
        }
    }
}
