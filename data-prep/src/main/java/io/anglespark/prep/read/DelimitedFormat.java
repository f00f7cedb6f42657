package io.anglespark.prep.read;

import io.anglespark.prep.ExampleShape;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * User data in a delimited file with a header line, mapped to a {@link ExampleShape} by a {@link ColumnMapping}.
 * <ul>
 *   <li>{@link Dialect#TSV}: split on TAB only, quoting off ({@code "} is text);</li>
 *   <li>{@link Dialect#CSV}: RFC 4180 quoting within one line (quoted fields may hold commas and {@code ""}); a
 *       quote left open at the end of the line is {@link Reason#MALFORMED_RECORD}. Records that span lines need
 *       a multi-line record splitter before this reader.</li>
 * </ul>
 * The header is split the same way; every row must have as many fields as the header
 * ({@link Reason#WRONG_FIELD_COUNT}); the values go through {@link GenericRowMapper}.
 */
public record DelimitedFormat(Dialect dialect, ColumnMapping mapping) implements InputFormat {

    public enum Dialect {
        TSV("TAB"), CSV("comma");

        private final String separator;

        Dialect(String separator) {
            this.separator = separator;
        }

        Outcome<List<String>> split(String line) {
            return this == TSV ? Outcome.accept(Arrays.asList(ReadSupport.splitTab(line))) : CsvSyntax.splitLine(line);
        }
    }

    public DelimitedFormat {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(mapping, "mapping");
    }

    public static DelimitedFormat tsv(ColumnMapping mapping) {
        return new DelimitedFormat(Dialect.TSV, mapping);
    }

    public static DelimitedFormat csv(ColumnMapping mapping) {
        return new DelimitedFormat(Dialect.CSV, mapping);
    }

    @Override
    public boolean hasHeader() {
        return true;
    }

    /** @throws IllegalArgumentException naming the file and column when the header lacks a mapped column */
    @Override
    public RecordReader bind(String file, String header) {
        Outcome<List<String>> split = dialect.split(ReadSupport.headerLine(file, header));
        if (!(split instanceof Outcome.Accepted<List<String>> names)) {
            throw new IllegalArgumentException(file + ": cannot split the header: "
                    + ((Outcome.Rejected<List<String>>) split).rejection().detail());
        }
        Map<String, Integer> index = new HashMap<>();
        for (String column : mapping.sourceColumns()) {
            index.put(column, ReadSupport.columnIndex(file, names.value(), column));
        }
        return new Bound(dialect, names.value().size(), Map.copyOf(index), new GenericRowMapper(mapping));
    }

    private record Bound(Dialect dialect, int width, Map<String, Integer> index, GenericRowMapper mapper)
            implements RecordReader {
        @Override
        public Outcome<Example> read(String record) {
            String line = ReadSupport.stripCr(record);
            if (line.isBlank()) {
                return ReadSupport.blankLine();
            }
            return dialect.split(line).then(fields -> {
                if (fields.size() != width) {
                    return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected %d %s-separated fields (as the header),"
                            + " found %d", width, dialect.separator, fields.size());
                }
                return mapper.map(column -> {
                    Integer i = index.get(column);
                    return i == null ? null : fields.get(i);
                });
            });
        }
    }
}
