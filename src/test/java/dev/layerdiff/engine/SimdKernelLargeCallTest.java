package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernel on calls as large as the backend's default chunks, which the equivalence suite (small
 * chunks) does not reach: the SIMD fast path's joint histogram is only used for large calls. Realistic
 * data (ReLU zeros, 1-ulp noise) with a few blocks holding specials, subnormals and signed zeros.
 */
class SimdKernelLargeCallTest {

    @Test
    void largeCallsMatchTheScalarKernel() {
        CpuKernel simd = CpuKernels.java();
        assumeTrue(simd.name().equals("simd"), "SIMD kernel not available");
        Random rnd = new Random(42);
        for (int variant = 0; variant < 4; variant++) {
            int n = 300_000 + variant * 1000 + variant;
            ByteBuffer a = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float v = rnd.nextFloat() < 0.3 ? 0 : (float) (rnd.nextGaussian() * (variant == 3 ? 1e4 : 1));
                float w = v;
                if (v != 0 && rnd.nextFloat() < 0.1f) w = rnd.nextBoolean() ? Math.nextUp(v) : Math.nextDown(v);
                if (variant == 1 && rnd.nextFloat() < 0.3f) w = (float) rnd.nextGaussian(); // divergent codes
                a.putFloat(4 * i, v);
                b.putFloat(4 * i, w);
            }
            if (variant >= 2) {
                float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -0.0f,
                    -Float.MIN_NORMAL / 3, 1e30f, -1e-30f};
                for (int k = 0; k < 40; k++) {
                    int i = rnd.nextInt(n);
                    (rnd.nextBoolean() ? a : b).putFloat(4 * i, odd[rnd.nextInt(odd.length)]);
                }
            }
            for (double atol : new double[] {1e-5, 0, -1}) {
                PairPartial e = new PairPartial(1e-3, atol, variant % 2 == 0, null);
                PairPartial s = new PairPartial(1e-3, atol, variant % 2 == 0, null);
                CpuKernels.scalar().compare(a, DType.FLOAT32, b, DType.FLOAT32, n, 7, e);
                simd.compare(a, DType.FLOAT32, b, DType.FLOAT32, n, 7, s);
                String what = "variant " + variant + " atol " + atol;
                assertThat(s.mismatched).as(what).isEqualTo(e.mismatched);
                assertThat(s.finitePairs).as(what).isEqualTo(e.finitePairs);
                assertThat(s.maxAbs).as(what).isEqualTo(e.maxAbs);
                assertThat(s.maxAbsIndex).as(what).isEqualTo(e.maxAbsIndex);
                assertThat(s.maxRel).as(what).isEqualTo(e.maxRel);
                assertThat(s.diffHistogram).as(what).isEqualTo(e.diffHistogram);
                for (int side = 0; side < 2; side++) {
                    SidePartial x = side == 0 ? e.ref : e.cand, y = side == 0 ? s.ref : s.cand;
                    assertThat(y.histogram).as(what + " side " + side).isEqualTo(x.histogram);
                    assertThat(y.count).isEqualTo(x.count);
                    assertThat(Double.doubleToRawLongBits(y.min)).as(what + " min").isEqualTo(Double.doubleToRawLongBits(x.min));
                    assertThat(Double.doubleToRawLongBits(y.max)).as(what + " max").isEqualTo(Double.doubleToRawLongBits(x.max));
                    assertClose(what + " side sum", y.sum, x.sum);
                    assertClose(what + " side sumSq", y.sumSq, x.sumSq);
                }
                assertClose(what + " sumAbs", s.sumAbs, e.sumAbs);
                assertClose(what + " sumSq", s.sumSq, e.sumSq);
                assertClose(what + " sumRR", s.sumRR, e.sumRR);
                assertClose(what + " sumCC", s.sumCC, e.sumCC);
                assertClose(what + " sumRC", s.sumRC, e.sumRC);
            }
        }
    }

    private static void assertClose(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(1e-9 * Math.max(Math.abs(expected), 1e-300));
    }
}
