package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.List;

/**
 * NLI pairs in a TAB-separated file with a header (MultiNLI's {@code .txt}, TaxiNLI's {@code taxinli10k.tsv}):
 * columns found by name, defaults {@code prem}, {@code hyp}, {@code label} as TaxiNLI names them. Split on TAB only
 * with quoting off: a {@code "} is kept as text (TaxiNLI has CSV-escaped quotes in some texts; undoing them is not a
 * reader's job). A row whose field count differs from the header's is {@link Reason#WRONG_FIELD_COUNT}; labels as in
 * {@link NliJsonLinesFormat}. Yields {@link Example#nli}.
 */
public record NliTsvFormat(String premiseColumn, String hypothesisColumn, String labelColumn) implements InputFormat {

    public NliTsvFormat {
        ReadSupport.requireName(premiseColumn, "premiseColumn");
        ReadSupport.requireName(hypothesisColumn, "hypothesisColumn");
        ReadSupport.requireName(labelColumn, "labelColumn");
    }

    /** TaxiNLI's column names. */
    public NliTsvFormat() {
        this("prem", "hyp", "label");
    }

    @Override
    public boolean hasHeader() {
        return true;
    }

    /** @throws IllegalArgumentException naming the file and the column when the header lacks a configured column */
    @Override
    public RecordReader bind(String file, String header) {
        List<String> names = List.of(ReadSupport.splitTab(ReadSupport.headerLine(file, header)));
        int label = ReadSupport.columnIndex(file, names, labelColumn);
        return new Bound(names.size(),
                ReadSupport.columnIndex(file, names, premiseColumn),
                ReadSupport.columnIndex(file, names, hypothesisColumn),
                label, ReadSupport.fieldName(labelColumn, label));
    }

    private record Bound(int width, int premise, int hypothesis, int label, String labelName) implements RecordReader {
        @Override
        public Outcome<Example> read(String record) {
            return ReadSupport.headerWidthFields(record, width).then(f -> ReadSupport.nliLabel(f[label], labelName)
                    .then(l -> Outcome.accept(Example.nli(f[premise], f[hypothesis], l))));
        }
    }
}
