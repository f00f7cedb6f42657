package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.ScoreRange;

import java.util.List;

/**
 * SICK 2014 ({@code SICK_train.txt}, ...): a header line, then TAB-separated rows with columns found by name:
 * {@code pair_ID, sentence_A, sentence_B, relatedness_score} (1..5, {@link ScoreRange#SICK}) and
 * {@code entailment_judgment} ({@code NEUTRAL}, {@code ENTAILMENT}, {@code CONTRADICTION}). Every row must have as
 * many fields as the header. CRLF files (the SICK test file) are read the same, header included. Yields
 * {@link Example#scored(String, String, double, io.anglespark.prep.NliLabel)}.
 */
public final class SickFormat implements InputFormat {
    public static final String PAIR_ID = "pair_ID";
    public static final String SENTENCE_A = "sentence_A";
    public static final String SENTENCE_B = "sentence_B";
    public static final String RELATEDNESS = "relatedness_score";
    public static final String ENTAILMENT = "entailment_judgment";

    @Override
    public boolean hasHeader() {
        return true;
    }

    /** @throws IllegalArgumentException naming the file and the column when the header lacks one of the five */
    @Override
    public RecordReader bind(String file, String header) {
        List<String> names = List.of(ReadSupport.splitTab(ReadSupport.headerLine(file, header)));
        ReadSupport.columnIndex(file, names, PAIR_ID); // required to recognise the layout; not carried further
        return new Bound(names.size(),
                ReadSupport.columnIndex(file, names, SENTENCE_A),
                ReadSupport.columnIndex(file, names, SENTENCE_B),
                ReadSupport.columnIndex(file, names, RELATEDNESS),
                ReadSupport.columnIndex(file, names, ENTAILMENT));
    }

    private record Bound(int width, int a, int b, int score, int label) implements RecordReader {
        @Override
        public Outcome<Example> read(String record) {
            return ReadSupport.headerWidthFields(record, width).then(f ->
                    Scores.parse(f[score], ScoreRange.SICK, ReadSupport.fieldName(RELATEDNESS, score))
                            .then(s -> ReadSupport.nliLabel(f[label], ReadSupport.fieldName(ENTAILMENT, label))
                                    .then(l -> Outcome.accept(Example.scored(f[a], f[b], s, l)))));
        }
    }
}
