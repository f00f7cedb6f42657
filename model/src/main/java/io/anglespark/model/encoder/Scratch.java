package io.anglespark.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.Map;

/**
 * Named arrays a vertex reuses from one call to the next: each slot is one buffer outside DL4J's workspaces,
 * grown to the largest size asked for and handed out as a c-ordered view of the requested shape.
 *
 * <p>Why not DL4J's workspaces: what a training forward pass keeps for the backward pass must outlive DL4J's
 * per-vertex working memory, and reused buffers skip the cost of fresh memory, which is high on this kind of
 * machine (allocating and first filling a 6 MB array took ~6 ms, the same fill into a reused array 0.2 ms).
 * Memory held: per thread, one vertex call's temporaries for the largest batch seen ({@link #shared}); per
 * vertex, in training only, what its backward pass reads (for bge-small at 32 texts x 128 tokens, about 250 MB
 * and 160 MB per transformer block, estimated from the array shapes, not measured).
 *
 * <p>A slot's content is valid until the next {@link #get} of the same slot; a vertex uses distinct slots for
 * what its backward pass reads. Not thread-safe (nor is the graph that owns the vertex).
 */
final class Scratch {
    private static final ThreadLocal<Scratch> SHARED = ThreadLocal.withInitial(Scratch::new);

    private final Map<String, INDArray> buffers = new HashMap<>();

    /**
     * The calling thread's scratch shared by every vertex: for arrays that live only during one vertex call
     * (vertices of a graph run one after another on one thread). Arrays kept from a training forward pass for
     * the backward pass go to the vertex's own scratch instead.
     */
    static Scratch shared() {
        return SHARED.get();
    }

    /** A view of slot {@code name} with {@code shape}; contents undefined. */
    INDArray get(String name, DataType dt, long... shape) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        INDArray buf = buffers.get(name);
        if (buf == null || buf.length() < length || buf.dataType() != dt) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buf = Nd4j.createUninitialized(dt, Math.max(length, 1));
            }
            buffers.put(name, buf);
        }
        INDArray view = buf.length() == length ? buf : buf.get(NDArrayIndex.interval(0, length));
        return view.reshape('c', shape);
    }

    /** Slot {@code name} filled with {@code value} (on every call: the slot may have held other data). */
    INDArray constant(String name, DataType dt, double value, long... shape) {
        INDArray a = get(name, dt, shape);
        return a.assign(value);
    }

    /** Drops every buffer. */
    void clear() {
        buffers.clear();
    }
}
