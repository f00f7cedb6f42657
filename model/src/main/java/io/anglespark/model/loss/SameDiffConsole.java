package io.anglespark.model.loss;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps SameDiff's debugging output off the console. ND4J 1.0.0-M2.1's {@code SameDiff.createGradFunction} prints one
 * line per op of a loss graph with {@code System.out.println("Added differentiated op " + name)} (101 lines for
 * the {@code paper} preset's loss, in every JVM that builds it, driver and executors alike), with no logger or flag to turn it off.
 * {@link #install} replaces {@code System.out} once per JVM with a stream that drops exactly those lines and passes
 * everything else through unchanged (a partial line waits for its end, or for a flush).
 */
public final class SameDiffConsole {
    static final String NOISE = "Added differentiated op ";
    private static boolean installed;

    private SameDiffConsole() {
    }

    /** Filters {@code System.out} from now on (idempotent). */
    public static synchronized void install() {
        if (!installed) {
            System.setOut(new PrintStream(new Filter(System.out), true, StandardCharsets.UTF_8));
            installed = true;
        }
    }

    /** Drops the lines that start with {@link #NOISE}; writes every other byte, line by line. */
    static final class Filter extends FilterOutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private static final byte[] PREFIX = NOISE.getBytes(StandardCharsets.UTF_8);

        Filter(OutputStream out) {
            super(out);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            // a partial line is held back only while it could still become a noise line
            if (line.size() > 0 && !couldBeNoise()) {
                emit();
            }
            out.flush();
        }

        private boolean couldBeNoise() {
            byte[] b = line.toByteArray();
            int n = Math.min(b.length, PREFIX.length);
            for (int i = 0; i < n; i++) {
                if (b[i] != PREFIX[i]) {
                    return false;
                }
            }
            return true;
        }

        private void emit() throws IOException {
            byte[] b = line.toByteArray();
            line.reset();
            if (!(b.length >= PREFIX.length && startsWithPrefix(b))) {
                out.write(b);
            }
        }

        private static boolean startsWithPrefix(byte[] b) {
            for (int i = 0; i < PREFIX.length; i++) {
                if (b[i] != PREFIX[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
