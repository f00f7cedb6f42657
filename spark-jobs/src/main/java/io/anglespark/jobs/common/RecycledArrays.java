package io.anglespark.jobs.common;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;

/**
 * Off-heap ND4J arrays handed back by their last user, for {@link NdArraySerializer} to read the next array of the same
 * type and shape into instead of allocating one. Allocating and first touching hundreds of megabytes of off-heap
 * memory ran at 360-400 MB/s on the 2-core benchmark machine ({@code bench/averaging}), several times slower than
 * copying into memory already touched; the driver of a parameter-averaging run reads every round's task results
 * (parameters and updater state, the same shapes every round) and drops them once averaged.
 *
 * <p>Only code that knows an array is no longer referenced anywhere may recycle it: a recycled array is overwritten
 * by the next read of its shape. At most {@link #MAX_KEPT} arrays are kept (the oldest dropped to the garbage
 * collector, which frees them as before).
 */
public final class RecycledArrays {
    static final int MAX_KEPT = 8;
    private static final Deque<INDArray> FREE = new ArrayDeque<>();

    private RecycledArrays() {
    }

    /** Hands {@code a} back (ignored when null, a view, or not a plain C-order buffer of its own elements). */
    public static void recycle(INDArray a) {
        if (a == null || a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length() || a.isCompressed()) {
            return;
        }
        synchronized (FREE) {
            for (INDArray kept : FREE) {
                if (kept == a) {
                    return;
                }
            }
            FREE.addFirst(a);
            while (FREE.size() > MAX_KEPT) {
                FREE.removeLast();
            }
        }
    }

    /** A recycled C-order array of this type and shape (its contents are stale), or null. */
    static INDArray take(DataType type, long[] shape) {
        synchronized (FREE) {
            for (Iterator<INDArray> it = FREE.iterator(); it.hasNext(); ) {
                INDArray a = it.next();
                if (a.dataType() == type && Arrays.equals(a.shape(), shape)) {
                    it.remove();
                    return a;
                }
            }
            return null;
        }
    }

    /** Drops every kept array. */
    public static void clear() {
        synchronized (FREE) {
            FREE.clear();
        }
    }

    /** Arrays kept (tests). */
    static int kept() {
        synchronized (FREE) {
            return FREE.size();
        }
    }
}
