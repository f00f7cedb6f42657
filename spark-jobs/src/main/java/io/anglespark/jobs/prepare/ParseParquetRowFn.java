package io.anglespark.jobs.prepare;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.clean.ExampleCleaner;
import io.anglespark.prep.clean.TextPolicy;
import io.anglespark.prep.pair.SplitAssigner;
import io.anglespark.prep.read.GenericRowMapper;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import scala.Tuple2;

import java.util.List;

/**
 * Executor side of a generic Parquet input: one row (with its 0-based index in the file) to a {@link ReadRow}. The
 * row holds the file's columns, then the bytes of each mapped string column (named {@link #BYTES} + column), which
 * must be valid UTF-8 ({@link TextPolicy#decode}); a column with invalid bytes quarantines the row as
 * {@code invalid_utf8}, naming the column.
 */
final class ParseParquetRowFn implements Function<Tuple2<Row, Long>, ReadRow> {
    /** Prefix of the byte columns added for the UTF-8 check. */
    static final String BYTES = "__utf8_bytes__";

    private final InputSpec input;
    private final String file;
    private final int fileColumns;
    private final List<String> checked;
    private final GenericRowMapper mapper;
    private final ExampleCleaner cleaner;
    private final SplitAssigner assigner;
    private final int rawChars;

    ParseParquetRowFn(InputSpec input, String file, int fileColumns, List<String> checked, ExampleCleaner cleaner,
                      SplitAssigner assigner, int rawChars) {
        this.input = input;
        this.file = file;
        this.fileColumns = fileColumns;
        this.checked = List.copyOf(checked);
        this.mapper = new GenericRowMapper(input.fields().mapping());
        this.cleaner = cleaner;
        this.assigner = assigner;
        this.rawChars = rawChars;
    }

    @Override
    public ReadRow call(Tuple2<Row, Long> t) {
        Row row = t._1();
        RowRef ref = new RowRef(input.name(), file, t._2() + 1);
        Outcome<Example> out = null;
        for (String c : checked) {
            int i = row.fieldIndex(BYTES + c);
            if (!row.isNullAt(i)) {
                Outcome<String> text = TextPolicy.decode((byte[]) row.get(i), "column '" + c + "'");
                if (text instanceof Outcome.Rejected<String> r) {
                    out = Outcome.reject(r.rejection());
                    break;
                }
            }
        }
        if (out == null) {
            out = mapper.map(row::getAs).then(cleaner::clean);
        }
        return ParseLineFn.toRow(input, ref, out, assigner, () -> {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < fileColumns && s.length() <= rawChars; i++) {
                s.append(i == 0 ? "" : "\t").append(row.isNullAt(i) ? "null" : row.get(i));
            }
            return s.length() <= rawChars ? s.toString() : s.substring(0, rawChars);
        });
    }
}
