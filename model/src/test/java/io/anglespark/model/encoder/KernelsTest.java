package io.anglespark.model.encoder;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelsTest {

    @Test
    void floatErfApproximationIsWithinAFewUlpsOfTheExactErfOverTheWholeRange() {
        int n = 200_001;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -10f + 20f * i / (n - 1);   // [-10, 10], step 1e-4, both clamped tails included
        }
        INDArray x = Nd4j.createFromArray(xs);
        Kernels.erf(x, new Scratch());
        float[] got = x.toFloatVector();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double want = Erf.erf(xs[i]);
            worst = Math.max(worst, Math.abs(got[i] - want));
        }
        // float's ulp at 1 is 1.2e-7: a few ulps
        assertTrue(worst < 5e-7, "max abs error " + worst);
    }

    @Test
    void doubleArraysGetTheExactErf() {
        INDArray x = Nd4j.createFromArray(0.3, -1.7, 2.5);
        Kernels.erf(x, new Scratch());
        assertEquals(Erf.erf(0.3), x.getDouble(0), 1e-12);
        assertEquals(Erf.erf(-1.7), x.getDouble(1), 1e-12);
        assertEquals(DataType.DOUBLE, x.dataType());
    }
}
