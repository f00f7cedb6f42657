package io.anglespark.model.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protobuf encoder for building test inputs by hand. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(int field, long v) {
        tag(field, 0);
        raw(v);
        return this;
    }

    ProtoWriter fixed32(int field, int v) {
        tag(field, 5);
        le(v, 4);
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2);
        raw(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    /** Packed repeated varints. */
    ProtoWriter packedVarints(int field, long... vs) {
        ProtoWriter p = new ProtoWriter();
        for (long v : vs) {
            p.raw(v);
        }
        return bytes(field, p.toByteArray());
    }

    /** Little-endian floats, as raw_data or a packed float field. */
    ProtoWriter floatsLE(int field, float... vs) {
        ProtoWriter p = new ProtoWriter();
        for (float v : vs) {
            p.le(Float.floatToIntBits(v), 4);
        }
        return bytes(field, p.toByteArray());
    }

    ProtoWriter longsLE(int field, long... vs) {
        ProtoWriter p = new ProtoWriter();
        for (long v : vs) {
            p.le(v, 8);
        }
        return bytes(field, p.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        raw((long) field << 3 | wireType);
    }

    private void raw(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
