package io.anglespark.jobs.prepare;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.Split;
import io.anglespark.prep.clean.ExampleCleaner;
import io.anglespark.prep.pair.PairKey;
import io.anglespark.prep.pair.SplitAssigner;
import io.anglespark.prep.read.RecordReader;
import io.anglespark.prep.read.Utf8;
import org.apache.spark.api.java.function.Function;
import scala.Tuple2;

/**
 * Executor side of reading: one line's bytes and 0-based line index to a {@link ReadRow}: strict UTF-8
 * decoding, the format's reader, text cleaning, then split assignment. Stateless, no logging per row.
 */
final class ParseLineFn implements Function<Tuple2<byte[], Long>, ReadRow> {
    private final InputSpec input;
    private final String file;
    private final RecordReader reader;
    private final ExampleCleaner cleaner;
    private final SplitAssigner assigner;
    private final int rawChars;

    ParseLineFn(InputSpec input, String file, RecordReader reader, ExampleCleaner cleaner, SplitAssigner assigner, int rawChars) {
        this.input = input;
        this.file = file;
        this.reader = reader;
        this.cleaner = cleaner;
        this.assigner = assigner;
        this.rawChars = rawChars;
    }

    @Override
    public ReadRow call(Tuple2<byte[], Long> line) {
        RowRef ref = new RowRef(input.name(), file, line._2() + 1);
        byte[] bytes = line._1();
        Outcome<Example> out = Utf8.decode(bytes, line._2() == 0).then(reader::read).then(cleaner::clean);
        return toRow(input, ref, out, assigner, () -> Utf8.preview(bytes, rawChars));
    }

    static ReadRow toRow(InputSpec input, RowRef ref, Outcome<Example> out, SplitAssigner assigner,
                         java.util.function.Supplier<String> raw) {
        if (out instanceof Outcome.Rejected<Example> r) {
            return ReadRow.rejected(ref, input.source(), r.rejection(), raw.get());
        }
        Example e = ((Outcome.Accepted<Example>) out).value();
        Split split = input.hashSplit() ? assigner.assign(splitKey(e)) : input.split();
        return ReadRow.accepted(ref, input.source(), split, e);
    }

    /**
     * The stable key a hash split is decided on: the pair (order-insensitive) for scored pairs, so
     * duplicates land together; the premise for NLI, so a premise's hypotheses (and its triplets) stay
     * in one split; the query for formats B and C.
     */
    static String splitKey(Example e) {
        return switch (e.kind()) {
            case SCORED_PAIR -> PairKey.orderInsensitive(e.text1(), e.text2());
            case NLI_PAIR, POSITIVE_PAIR, TRIPLET -> e.text1();
        };
    }
}
