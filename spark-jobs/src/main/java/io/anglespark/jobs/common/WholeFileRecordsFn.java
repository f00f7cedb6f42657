package io.anglespark.jobs.common;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.function.Function;

/**
 * Reads formats whose records span lines (quoted multi-line CSV, JSON arrays) one whole file per task,
 * from {@code sc.binaryFiles}: the file (decompressed by its codec) is decoded as UTF-8 and handed to a
 * record splitter, whose records are streamed out and the file closed when they are exhausted. Such
 * files cannot be split between tasks; parallelism comes from having several files. Each invalid UTF-8
 * byte reaches the splitter as its escape ({@link EscapingUtf8Reader}): the splitter checks each record
 * with {@link io.anglespark.prep.clean.TextPolicy#checkEscapedBytes} and quarantines the ones holding one.
 *
 * @param <T> what one record becomes
 */
public final class WholeFileRecordsFn<T> implements FlatMapFunction<Tuple2<String, PortableDataStream>, T> {

    /**
     * Splits a file's text into records and parses them; serializable so Spark can ship it. The text holds each invalid
     * UTF-8 byte as its escape; a record holding one is rejected as {@code invalid_utf8} before it is parsed.
     */
    @FunctionalInterface
    public interface Splitter<T> extends Serializable {
        Iterator<T> records(String file, Reader text);
    }

    private final Splitter<T> splitter;

    public WholeFileRecordsFn(Splitter<T> splitter) {
        this.splitter = splitter;
    }

    @Override
    public Iterator<T> call(Tuple2<String, PortableDataStream> file) throws IOException {
        PortableDataStream data = file._2();
        CompressionCodec codec = new CompressionCodecFactory(data.getConfiguration()).getCodec(new Path(file._1()));
        InputStream raw = data.open();
        InputStream in = codec == null ? raw : codec.createInputStream(raw);
        EscapingUtf8Reader decoded = new EscapingUtf8Reader(in);
        Reader reader = new BufferedReader(decoded, 1 << 16);
        Iterator<T> records = splitter.records(file._1(), reader);
        return new Iterator<>() {
            private boolean open = true;

            @Override
            public boolean hasNext() {
                boolean more = records.hasNext();
                if (!more && open) {
                    open = false;
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("closing " + file._1(), e);
                    }
                }
                return more;
            }

            @Override
            public T next() {
                return records.next();
            }
        };
    }

    /** Maps each element of an iterator lazily. */
    public static <A, B> Iterator<B> map(Iterator<A> in, Function<A, B> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return in.hasNext();
            }

            @Override
            public B next() {
                return f.apply(in.next());
            }
        };
    }
}
