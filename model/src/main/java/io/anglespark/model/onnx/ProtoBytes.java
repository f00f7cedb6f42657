package io.anglespark.model.onnx;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * The protobuf wire format over a message held in memory, for the ONNX rewriters ({@link OnnxExport},
 * {@link OnnxQuantizer}): a bounded cursor to walk fields and copy them byte for byte, and the writers of the few
 * field kinds they emit. ({@link ProtoReader} streams large files instead.)
 */
final class ProtoBytes {
    private ProtoBytes() {
    }

    static void writeLen(ByteArrayOutputStream out, int field, byte[] value) {
        writeVarint(out, (long) field << 3 | ProtoReader.LEN);
        writeVarint(out, value.length);
        out.write(value, 0, value.length);
    }

    static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** A position in an in-memory message, bounded by {@code end}. */
    static final class Cursor {
        private final byte[] b;
        private final int end;
        int pos;

        Cursor(byte[] b, int pos, int end) {
            this.b = Objects.requireNonNull(b);
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            long t = varint();
            if (t <= 0 || t > Integer.MAX_VALUE || (t >>> 3) == 0) {
                throw new IllegalArgumentException("bad protobuf tag " + t + " at offset " + pos);
            }
            return (int) t;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalArgumentException("protobuf varint runs past its message at offset " + pos);
                }
                int x = b[pos++] & 0xff;
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("protobuf varint longer than 10 bytes at offset " + pos);
        }

        int length() {
            long n = varint();
            if (n < 0 || pos + n > end) {
                throw new IllegalArgumentException("protobuf length " + n + " at offset " + pos + " overruns its message (ends at " + end + ")");
            }
            return (int) n;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case ProtoReader.VARINT -> varint();
                case ProtoReader.FIXED64 -> pos += 8;
                case ProtoReader.LEN -> {
                    int n = length(); // before reading pos: 'pos += length()' would add to the old pos
                    pos += n;
                }
                case ProtoReader.FIXED32 -> pos += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + (tag & 7) + " at offset " + pos);
            }
            if (pos > end) {
                throw new IllegalArgumentException("protobuf field overruns its message at offset " + pos);
            }
        }
    }

    static void writeString(ByteArrayOutputStream out, int field, String value) {
        writeLen(out, field, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
        writeVarint(out, (long) field << 3 | ProtoReader.VARINT);
        writeVarint(out, value);
    }

    /**
     * The first string field {@code field} of the length-delimited message whose length prefix starts at {@code at} in
     * {@code b} ("" when it has none): a tensor's name, a metadata entry's key, read without moving any cursor.
     */
    static String firstString(byte[] b, int at, int field) {
        Cursor c = new Cursor(b, at, b.length);
        int len = c.length();
        Cursor m = new Cursor(b, c.pos, c.pos + len);
        while (m.more()) {
            int tag = m.tag();
            if (tag == (field << 3 | ProtoReader.LEN)) {
                int n = m.length();
                return new String(b, m.pos, n, java.nio.charset.StandardCharsets.UTF_8);
            }
            m.skip(tag);
        }
        return "";
    }
}
