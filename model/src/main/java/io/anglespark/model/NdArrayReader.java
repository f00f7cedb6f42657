package io.anglespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one vector in ND4J's binary array format ({@code Nd4j.write}, {@code Nd4j.saveBinary}: DL4J's
 * {@code coefficients.bin}, our updater-state files) whose length and data type the caller already knows (from the
 * architecture, or from the freshly built graph's updater), instead of {@code Nd4j.read}, which allocates whatever
 * the header claims. Every header field is checked first and nothing is allocated before it agrees; then exactly
 * the expected values are read, and bytes after them are refused. A forged length is a one-line
 * {@link ModelFileException}, never gigabytes of memory or a native crash.
 *
 * <p>The format (ND4J 1.0.0-M2.1, big-endian as {@code DataOutputStream} writes): two buffers, the shape information,
 * then the data. Each buffer is {@code writeUTF(allocation mode)}, {@code writeLong(length)}, {@code writeUTF(data
 * type)}, then {@code length} elements. The shape information has {@code LONG} elements
 * {@code [rank, shape[rank], stride[rank], extras, element-wise stride, order]}, {@code 2 rank + 4} of them.
 */
public final class NdArrayReader {
    /** The allocation mode ND4J 1.0.0-M2.1 writes (older modes store 32-bit lengths; we never wrote those). */
    static final String ALLOCATION_MODE = "MIXED_DATA_TYPES";
    /** Values copied into the array at a time: a bounded staging buffer, whatever the array's size. */
    private static final int CHUNK = 1 << 20;

    private NdArrayReader() {
    }

    /**
     * Reads a vector ({@code [n]}, {@code [1, n]} or {@code [n, 1]} as stored) of exactly {@code length} values of
     * {@code type} (FLOAT or DOUBLE) from {@code in} and requires the stream to end there.
     *
     * @param file the file as the user named it (for messages)
     * @param what what is read, for messages ("entry coefficients.bin", "the updater state")
     * @return a new rank-1 array [length] of {@code type}
     */
    public static INDArray readVector(InputStream in, long length, DataType type, String file, String what) throws IOException {
        int size = switch (type) {
            case FLOAT -> 4;
            case DOUBLE -> 8;
            default -> throw new IllegalArgumentException("only FLOAT and DOUBLE vectors are read, not " + type);
        };
        if (length < 1) {
            throw new IllegalArgumentException("expected length must be >= 1, got " + length);
        }
        DataInputStream d = in instanceof DataInputStream di ? di : new DataInputStream(in);
        try {
            long[] shape = readShape(d, file, what);
            long n = 1;
            for (long s : shape) {
                n = s < 0 || n < 0 ? -1 : multiply(n, s);
            }
            if (n != length) {
                throw new ModelFileException(file, what + " holds an array of shape " + Arrays.toString(shape) + " (" + (n < 0 ? "invalid"
                        : n + " values") + ") but the model needs " + length + " values");
            }
            long dataLength = header(d, type.name(), file, what, "values");
            if (dataLength != length) {
                throw new ModelFileException(file, what + " claims " + dataLength + " values but the model needs " + length);
            }
            INDArray out = Nd4j.createUninitialized(type, length);
            byte[] bytes = new byte[(int) Math.min(CHUNK, length) * size];
            for (long done = 0; done < length; ) {
                int m = (int) Math.min(CHUNK, length - done);
                int got = d.readNBytes(bytes, 0, m * size);
                if (got < m * size) {
                    throw new ModelFileException(file, what + " is truncated: " + (done + got / size) + " of " + length + " values present");
                }
                ByteBuffer b = ByteBuffer.wrap(bytes, 0, m * size).order(ByteOrder.BIG_ENDIAN);
                INDArray chunk;
                if (type == DataType.FLOAT) {
                    float[] v = new float[m];
                    b.asFloatBuffer().get(v);
                    chunk = Nd4j.createFromArray(v);
                } else {
                    double[] v = new double[m];
                    b.asDoubleBuffer().get(v);
                    chunk = Nd4j.createFromArray(v);
                }
                out.get(NDArrayIndex.interval(done, done + m)).assign(chunk);
                done += m;
            }
            if (d.read() != -1) {
                throw new ModelFileException(file, what + " has bytes after its " + length + " values");
            }
            return out;
        } catch (EOFException e) {
            throw new ModelFileException(file, what + " is truncated" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
    }

    /** The shape of the stored array, checked to be a vector's before any value is read. */
    private static long[] readShape(DataInputStream d, String file, String what) throws IOException {
        long n = header(d, DataType.LONG.name(), file, what, "shape information");
        if (n != 6 && n != 8) {
            throw new ModelFileException(file, what + " is not a vector: its shape information has " + n + " values (6 or 8 expected)");
        }
        long[] info = new long[(int) n];
        for (int i = 0; i < n; i++) {
            info[i] = d.readLong();
        }
        long rank = info[0];
        if (2 * rank + 4 != n) {
            throw new ModelFileException(file, what + " has rank " + rank + " but " + n + " values of shape information");
        }
        long[] shape = Arrays.copyOfRange(info, 1, 1 + (int) rank);
        if (rank == 2 && shape[0] != 1 && shape[1] != 1) {
            throw new ModelFileException(file, what + " is not a vector: shape " + Arrays.toString(shape));
        }
        long order = info[(int) n - 1];
        if (order != 'c' && order != 'f') {
            throw new ModelFileException(file, what + " has an unknown array order " + order);
        }
        return shape;
    }

    /**
     * A buffer header: the allocation mode and data type must be the given ones; returns the element count.
     *
     * @param part which buffer, for messages ("shape information", "values")
     */
    private static long header(DataInputStream d, String dataType, String file, String what, String part) throws IOException {
        String mode = shortAscii(d, file, what);
        if (!mode.equals(ALLOCATION_MODE)) {
            throw new ModelFileException(file, what + " is not an ND4J array of this version: its " + part + " have allocation mode '" + mode
                    + "', not " + ALLOCATION_MODE);
        }
        long length = d.readLong();
        String type = shortAscii(d, file, what);
        if (!type.equals(dataType)) {
            throw new ModelFileException(file, what + " holds " + part + " of type " + type + ", not " + dataType);
        }
        return length;
    }

    /** A {@code writeUTF} string of at most 32 ASCII characters (the names ND4J writes are shorter). */
    private static String shortAscii(DataInputStream d, String file, String what) throws IOException {
        int n = d.readUnsignedShort();
        if (n > 32) {
            throw new ModelFileException(file, what + " is not an ND4J array (a header string of " + n + " bytes)");
        }
        byte[] b = new byte[n];
        d.readFully(b);
        for (byte c : b) {
            if (c < 0x20 || c > 0x7e) {
                throw new ModelFileException(file, what + " is not an ND4J array (a header string with byte " + (c & 0xff) + ")");
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** {@code a * b}, or -1 when it does not fit a long. */
    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
