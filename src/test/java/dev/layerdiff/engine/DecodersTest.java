package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class DecodersTest {

    private static double decode(DType t, ByteOrder order, byte... bytes) {
        double[] out = new double[1];
        Decoders.decode(ByteBuffer.wrap(bytes).order(order), t, 0, 1, out);
        return out[0];
    }

    private static double one(DType t, int bits) {
        return decode(t, ByteOrder.LITTLE_ENDIAN, (byte) bits);
    }

    @Test
    void e4m3fnKnownPatterns() {
        assertThat(one(DType.FLOAT8_E4M3FN, 0x7E)).isEqualTo(448.0);
        assertThat(one(DType.FLOAT8_E4M3FN, 0xFE)).isEqualTo(-448.0);
        assertThat(one(DType.FLOAT8_E4M3FN, 0x7F)).isNaN();
        assertThat(one(DType.FLOAT8_E4M3FN, 0xFF)).isNaN();
        assertThat(one(DType.FLOAT8_E4M3FN, 0x01)).isEqualTo(Math.scalb(1.0, -9));
        assertThat(one(DType.FLOAT8_E4M3FN, 0x07)).isEqualTo(7 * Math.scalb(1.0, -9));
        assertThat(one(DType.FLOAT8_E4M3FN, 0x08)).isEqualTo(Math.scalb(1.0, -6));
        assertThat(one(DType.FLOAT8_E4M3FN, 0x38)).isEqualTo(1.0);
        assertThat(one(DType.FLOAT8_E4M3FN, 0x78)).isEqualTo(256.0); // no infinity: S.1111.000 is finite
        assertThat(Double.doubleToRawLongBits(one(DType.FLOAT8_E4M3FN, 0x80))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void e5m2KnownPatterns() {
        assertThat(one(DType.FLOAT8_E5M2, 0x7C)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(one(DType.FLOAT8_E5M2, 0xFC)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(one(DType.FLOAT8_E5M2, 0x7D)).isNaN();
        assertThat(one(DType.FLOAT8_E5M2, 0x7B)).isEqualTo(57344.0);
        assertThat(one(DType.FLOAT8_E5M2, 0x3C)).isEqualTo(1.0);
        assertThat(one(DType.FLOAT8_E5M2, 0x01)).isEqualTo(Math.scalb(1.0, -16));
    }

    @Test
    void e8m0KnownPatterns() {
        assertThat(one(DType.FLOAT8_E8M0FNU, 127)).isEqualTo(1.0);
        assertThat(one(DType.FLOAT8_E8M0FNU, 0)).isEqualTo(Math.scalb(1.0, -127));
        assertThat(one(DType.FLOAT8_E8M0FNU, 254)).isEqualTo(Math.scalb(1.0, 127));
        assertThat(one(DType.FLOAT8_E8M0FNU, 0xFF)).isNaN();
    }

    @Test
    void float16IncludingSubnormalsInBothOrders() {
        assertThat(decode(DType.FLOAT16, ByteOrder.LITTLE_ENDIAN, (byte) 0x00, (byte) 0x3C)).isEqualTo(1.0);
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x3C, (byte) 0x00)).isEqualTo(1.0);
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x00, (byte) 0x01)).isEqualTo(Math.scalb(1.0, -24));
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x03, (byte) 0xFF)).isEqualTo(1023 * Math.scalb(1.0, -24));
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x7B, (byte) 0xFF)).isEqualTo(65504.0);
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x7C, (byte) 0x00)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0xFC, (byte) 0x00)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x7E, (byte) 0x00)).isNaN();
        assertThat(decode(DType.FLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0xC0, (byte) 0x00)).isEqualTo(-2.0);
    }

    @Test
    void bfloat16() {
        assertThat(decode(DType.BFLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x3F, (byte) 0x80)).isEqualTo(1.0);
        assertThat(decode(DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, (byte) 0xC0, (byte) 0xC0)).isEqualTo(-6.0);
        assertThat(decode(DType.BFLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x7F, (byte) 0x80)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decode(DType.BFLOAT16, ByteOrder.BIG_ENDIAN, (byte) 0x00, (byte) 0x01)).isEqualTo((double) Float.intBitsToFloat(0x10000));
    }

    @Test
    void integersBoolAndUnsigned() {
        assertThat(decode(DType.UINT64, ByteOrder.BIG_ENDIAN, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF)).isEqualTo(18446744073709551615.0);
        assertThat(decode(DType.UINT64, ByteOrder.BIG_ENDIAN, (byte) 0x80, (byte) 0, (byte) 0, (byte) 0, (byte) 0,
                (byte) 0, (byte) 0, (byte) 1)).isEqualTo(9223372036854775808.0);
        assertThat(decode(DType.INT64, ByteOrder.LITTLE_ENDIAN, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF)).isEqualTo(-2.0);
        assertThat(decode(DType.UINT32, ByteOrder.LITTLE_ENDIAN, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF)).isEqualTo(4294967295.0);
        assertThat(decode(DType.INT32, ByteOrder.BIG_ENDIAN, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFD)).isEqualTo(-3.0);
        assertThat(decode(DType.UINT16, ByteOrder.BIG_ENDIAN, (byte) 0xFF, (byte) 0xFE)).isEqualTo(65534.0);
        assertThat(decode(DType.INT16, ByteOrder.LITTLE_ENDIAN, (byte) 0xFE, (byte) 0xFF)).isEqualTo(-2.0);
        assertThat(one(DType.INT8, 0xFF)).isEqualTo(-1.0);
        assertThat(one(DType.UINT8, 0xFF)).isEqualTo(255.0);
        assertThat(one(DType.BOOL, 1)).isEqualTo(1.0);
        assertThat(one(DType.BOOL, 0)).isEqualTo(0.0);
    }

    @Test
    void float64AndFloat32BigEndian() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(0, -1.5e-310);
        double[] out = new double[1];
        Decoders.decode(b, DType.FLOAT64, 0, 1, out);
        assertThat(out[0]).isEqualTo(-1.5e-310);
        ByteBuffer f = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(0, Float.MIN_VALUE);
        Decoders.decode(f, DType.FLOAT32, 0, 1, out);
        assertThat(out[0]).isEqualTo((double) Float.MIN_VALUE);
    }
}
