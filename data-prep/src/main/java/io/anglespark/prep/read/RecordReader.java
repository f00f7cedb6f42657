package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;

import java.io.Serializable;

/**
 * A pure function from one record (one line of a line-oriented file, terminator removed, already
 * decoded as UTF-8) to an {@link Example} or a rejection. Implementations are immutable and
 * thread-safe, and serializable so Spark can ship them to executors.
 */
@FunctionalInterface
public interface RecordReader extends Serializable {
    Outcome<Example> read(String record);
}
