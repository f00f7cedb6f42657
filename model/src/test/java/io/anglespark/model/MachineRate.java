package io.anglespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** The machine's fp32 matrix-multiply rate on ND4J's backend, the denominator of the benchmarks' "share of sgemm". */
public final class MachineRate {
    private MachineRate() {
    }

    /** 1024 x 1024 x 1024 sgemm, median of 7 after 2 warm-ups: 2 n^3 / s, in GFLOP/s. */
    public static double sgemmGflops() {
        int n = 1024;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray out = Nd4j.create(DataType.FLOAT, n, n);
        double[] t = new double[9];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            Nd4j.gemm(a, b, out, false, false, 1.0, 0.0);
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        double[] timed = Arrays.copyOfRange(t, 2, t.length);
        Arrays.sort(timed);
        return 2.0 * n * n * n / timed[timed.length / 2] / 1e9;
    }
}
