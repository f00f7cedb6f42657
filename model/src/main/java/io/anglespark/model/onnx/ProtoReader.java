package io.anglespark.model.onnx;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A forward-only reader of the protobuf wire format over a stream: varints, fixed32/64, length-delimited
 * fields and packed repeated scalars. It never buffers more than its own 64 KiB window, so large
 * {@code bytes} fields can be decoded straight into their final arrays ({@link #readFloatsLE},
 * {@link #readLongsLE}).
 *
 * <p>Nested messages are read by {@link #pushLimit pushing} the end position of the enclosing field and
 * reading tags until {@link #atLimit()}; {@link #popLimit} restores the outer end. Not thread-safe.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int bufPos;
    private int bufLen;
    /** Stream offset of buf[0]. */
    private long bufStart;
    private long limit = Long.MAX_VALUE;

    ProtoReader(InputStream in) {
        this.in = in;
    }

    /** Offset of the next byte, from the start of the stream. */
    long position() {
        return bufStart + bufPos;
    }

    /** Makes {@code length} bytes from here the current message; returns the previous limit for {@link #popLimit}. */
    long pushLimit(long length) throws IOException {
        if (length < 0) {
            throw new IOException("negative length " + length + " at offset " + position());
        }
        long end = position() + length;
        if (end > limit) {
            throw new IOException("field of " + length + " bytes at offset " + position() + " overruns its enclosing message (ends at "
                    + limit + ")");
        }
        long old = limit;
        limit = end;
        return old;
    }

    void popLimit(long old) throws IOException {
        if (position() != limit) {
            throw new IOException("message ending at " + limit + " was read to " + position());
        }
        limit = old;
    }

    /** True at the end of the current message, or at the end of the stream when no message is pushed. */
    boolean atLimit() throws IOException {
        if (position() >= limit) {
            return true;
        }
        return limit == Long.MAX_VALUE && !fill();
    }

    /** The next tag ({@code field << 3 | wireType}). */
    int readTag() throws IOException {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw new IOException("bad tag " + tag + " at offset " + (position() - 1));
        }
        return (int) tag;
    }

    long readVarint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint longer than 10 bytes at offset " + position());
    }

    int readFixed32() throws IOException {
        return readByte() | readByte() << 8 | readByte() << 16 | readByte() << 24;
    }

    long readFixed64() throws IOException {
        return (readFixed32() & 0xffffffffL) | (long) readFixed32() << 32;
    }

    /** The length prefix of a length-delimited field, checked against the enclosing message. */
    int readLength() throws IOException {
        long n = readVarint();
        if (n < 0 || n > Integer.MAX_VALUE - 8 || position() + n > limit) {
            throw new IOException("bad length " + n + " at offset " + position());
        }
        return (int) n;
    }

    String readString() throws IOException {
        return new String(readBytes(readLength()), StandardCharsets.UTF_8);
    }

    byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        while (off < n) {
            ensure();
            int k = Math.min(n - off, bufLen - bufPos);
            System.arraycopy(buf, bufPos, out, off, k);
            bufPos += k;
            off += k;
        }
        return out;
    }

    /** Decodes {@code out.length} little-endian IEEE floats ({@code 4 * out.length} bytes) into {@code out}. */
    void readFloatsLE(float[] out) throws IOException {
        for (int i = 0; i < out.length; i++) {
            if (bufLen - bufPos >= 4) {
                int p = bufPos;
                out[i] = Float.intBitsToFloat(buf[p] & 0xff | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16 | buf[p + 3] << 24);
                bufPos = p + 4;
            } else {
                out[i] = Float.intBitsToFloat(readFixed32());
            }
        }
    }

    /** Decodes {@code out.length} little-endian 64-bit integers into {@code out}. */
    void readLongsLE(long[] out) throws IOException {
        for (int i = 0; i < out.length; i++) {
            out[i] = readFixed64();
        }
    }

    /** Skips the value of a field whose tag was just read. Groups (wire types 3, 4) are refused. */
    void skipField(int tag) throws IOException {
        switch (tag & 7) {
            case VARINT -> readVarint();
            case FIXED64 -> skip(8);
            case LEN -> skip(readLength());
            case FIXED32 -> skip(4);
            default -> throw new IOException("unsupported wire type " + (tag & 7) + " (field " + (tag >>> 3) + ") at offset " + position());
        }
    }

    void skip(long n) throws IOException {
        while (n > 0) {
            ensure();
            int k = (int) Math.min(n, bufLen - bufPos);
            bufPos += k;
            n -= k;
        }
    }

    private int readByte() throws IOException {
        ensure();
        return buf[bufPos++] & 0xff;
    }

    private void ensure() throws IOException {
        if (bufPos == bufLen && !fill()) {
            throw new EOFException("stream ended at offset " + position() + " inside a message");
        }
    }

    /** Refills the window when it is used up; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (bufPos < bufLen) {
            return true;
        }
        bufStart += bufLen;
        bufPos = 0;
        bufLen = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        bufLen = n;
        return true;
    }
}
