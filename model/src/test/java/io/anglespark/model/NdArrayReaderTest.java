package io.anglespark.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NdArrayReader} reads back what {@code Nd4j.write} wrote (float and double vectors, rank 1 and [1, n], longer
 * than its copy chunk) and refuses a length, type, shape or ending other than expected, naming the file.
 */
class NdArrayReaderTest {
    private static byte[] write(INDArray a) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(b)) {
            Nd4j.write(a, d);
        }
        return b.toByteArray();
    }

    private static INDArray read(byte[] bytes, long length, DataType type) throws IOException {
        return NdArrayReader.readVector(new ByteArrayInputStream(bytes), length, type, "some/file.bin", "the array");
    }

    @Test
    void readsBackWhatNd4jWroteAcrossChunkBoundaries() throws IOException {
        int n = (1 << 20) + 37;
        INDArray floats = Nd4j.rand(DataType.FLOAT, n);
        INDArray back = read(write(floats), n, DataType.FLOAT);
        assertArrayEquals(new long[]{n}, back.shape());
        assertArrayEquals(floats.data().asFloat(), back.data().asFloat());

        INDArray row = Nd4j.rand(DataType.FLOAT, 1, 5);
        assertArrayEquals(row.data().asFloat(), read(write(row), 5, DataType.FLOAT).data().asFloat());

        INDArray doubles = Nd4j.rand(DataType.DOUBLE, 7);
        assertArrayEquals(doubles.data().asDouble(), read(write(doubles), 7, DataType.DOUBLE).data().asDouble());
    }

    @Test
    void anotherLengthTypeShapeOrEndingIsRefusedNamingTheFile() throws IOException {
        byte[] ten = write(Nd4j.rand(DataType.FLOAT, 10));
        String m = assertThrows(ModelFileException.class, () -> read(ten, 11, DataType.FLOAT)).getMessage();
        assertTrue(m.startsWith("model file some/file.bin: the array holds an array of shape [10] (10 values) but the model needs 11"), m);
        m = assertThrows(ModelFileException.class, () -> read(ten, 10, DataType.DOUBLE)).getMessage();
        assertTrue(m.contains("values of type FLOAT, not DOUBLE"), m);
        m = assertThrows(ModelFileException.class, () -> read(write(Nd4j.rand(DataType.FLOAT, 2, 5)), 10, DataType.FLOAT)).getMessage();
        assertTrue(m.contains("is not a vector: shape [2, 5]"), m);
        m = assertThrows(ModelFileException.class, () -> read(Arrays.copyOf(ten, ten.length + 1), 10, DataType.FLOAT)).getMessage();
        assertTrue(m.contains("has bytes after its 10 values"), m);
        m = assertThrows(ModelFileException.class, () -> read(Arrays.copyOf(ten, ten.length - 1), 10, DataType.FLOAT)).getMessage();
        assertTrue(m.contains("is truncated: 9 of 10 values present"), m);
        m = assertThrows(ModelFileException.class, () -> read(Arrays.copyOf(ten, 20), 10, DataType.FLOAT)).getMessage();
        assertTrue(m.contains("is truncated"), m);
        assertEquals("some/file.bin", assertThrows(ModelFileException.class, () -> read(new byte[0], 10, DataType.FLOAT)).file());
    }
}
