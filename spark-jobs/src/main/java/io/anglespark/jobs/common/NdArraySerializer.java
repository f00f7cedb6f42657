package io.anglespark.jobs.common;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Kryo serializer for ND4J arrays that moves the data in bulk: a header (data type, shape), then the array's bytes
 * copied out of (and into) its off-heap buffer a chunk at a time. ND4J 1.0.0-M2.1's own {@code Nd4jSerializer} goes
 * through {@code Nd4j.write}, which writes one {@code DataOutputStream.writeFloat} per element (and reads one
 * {@code readFloat} per element): for the train job's parameter broadcast and averaged results, hundreds of megabytes
 * a round, that was the round's largest cost.
 *
 * <p>The bytes are the buffer's own, in the platform's order; ND4J's native backends (x86-64, ARM64, ppc64le) are all
 * little-endian, and a big-endian JVM is refused rather than sent bytes another machine would misread. On the CUDA
 * backend the host copy is brought up to date first. Views and non-C-order arrays are written as their C-order copy; an
 * array reads back as a C-order array of the same type and shape, into a {@link RecycledArrays recycled} one when one
 * of that type and shape was handed back. Compressed and string arrays are refused.
 */
public final class NdArraySerializer extends Serializer<INDArray> {
    /** Bytes copied per step between the off-heap buffer and Kryo's stream. */
    private static final int CHUNK = 1 << 20;
    private static final DataType[] TYPES = DataType.values();

    public NdArraySerializer() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("ND4J arrays are shipped as little-endian bytes; this JVM is big-endian");
        }
    }

    @Override
    public void write(Kryo kryo, Output out, INDArray array) {
        if (array.isCompressed() || array.dataType() == DataType.UTF8) {
            throw new KryoException("a " + (array.isCompressed() ? "compressed" : "string") + " ND4J array cannot be serialized");
        }
        INDArray a = dense(array);
        Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
        out.writeVarInt(a.dataType().ordinal(), true);
        long[] shape = a.shape();
        out.writeVarInt(shape.length, true);
        for (long d : shape) {
            out.writeVarLong(d, true);
        }
        long bytes = a.length() * a.dataType().width();
        if (bytes == 0) {
            return;
        }
        ByteBuffer data = bytes(a, bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            out.writeBytes(chunk, 0, n);
        }
    }

    @Override
    public INDArray read(Kryo kryo, Input in, Class<INDArray> type) {
        int t = in.readVarInt(true);
        if (t < 0 || t >= TYPES.length) {
            throw new KryoException("not an ND4J array: data type " + t);
        }
        DataType dataType = TYPES[t];
        if (dataType == DataType.UTF8) {
            throw new KryoException("not an array this serializer wrote: data type " + dataType);
        }
        long[] shape = new long[in.readVarInt(true)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readVarLong(true);
        }
        INDArray recycled = RecycledArrays.take(dataType, shape);
        INDArray a = recycled != null ? recycled : Nd4j.createUninitialized(dataType, shape, 'c');
        long bytes = a.length() * dataType.width();
        if (bytes == 0) {
            return a;
        }
        ByteBuffer data = bytes(a, bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            in.readBytes(chunk, 0, n);
            data.put(chunk, 0, n);
        }
        Nd4j.getAffinityManager().tagLocation(a, AffinityManager.Location.HOST);
        return a;
    }

    /** The first {@code bytes} bytes of {@code a}'s buffer (one NIO buffer holds at most 2 GiB: a larger array is refused). */
    private static ByteBuffer bytes(INDArray a, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new KryoException("an ND4J array of " + bytes + " bytes is over the 2 GiB one buffer can ship");
        }
        ByteBuffer data = a.data().asNio();
        data.position(0).limit((int) bytes);
        return data;
    }

    /** {@code a} itself when its buffer holds exactly its elements in C order, else a C-order copy. */
    private static INDArray dense(INDArray a) {
        boolean plain = !a.isView() && a.ordering() == 'c' && a.data().length() == a.length() && a.offset() == 0;
        return plain ? a : a.dup('c');
    }
}
