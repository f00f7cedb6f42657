package io.anglespark.jobs.prepare;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.clean.ExampleCleaner;
import io.anglespark.prep.pair.SplitAssigner;
import io.anglespark.prep.read.GenericRowMapper;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/** Executor side of a generic Parquet input: one row (with its 0-based index in the file) to a {@link ReadRow}. */
final class ParseParquetRowFn implements Function<Tuple2<Row, Long>, ReadRow> {
    private final InputSpec input;
    private final String file;
    private final GenericRowMapper mapper;
    private final ExampleCleaner cleaner;
    private final SplitAssigner assigner;
    private final int rawChars;

    ParseParquetRowFn(InputSpec input, String file, ExampleCleaner cleaner, SplitAssigner assigner, int rawChars) {
        this.input = input;
        this.file = file;
        this.mapper = new GenericRowMapper(input.fields().mapping());
        this.cleaner = cleaner;
        this.assigner = assigner;
        this.rawChars = rawChars;
    }

    @Override
    public ReadRow call(Tuple2<Row, Long> t) {
        Row row = t._1();
        RowRef ref = new RowRef(input.name(), file, t._2() + 1);
        Outcome<Example> out = mapper.map(row::getAs).then(cleaner::clean);
        return ParseLineFn.toRow(input, ref, out, assigner, () -> {
            String s = row.mkString("\t");
            return s.length() <= rawChars ? s : s.substring(0, rawChars);
        });
    }
}
