package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;

/**
 * STS Benchmark ({@code sts-train.csv}, {@code sts-dev.csv}, {@code sts-test.csv}): no header, one pair per line,
 * split on TAB only, 7 fields {@code genre, file, year, id, score, sentence1, sentence2} or 9 with trailing
 * {@code source, licence}. The files use no quoting at all: a {@code "} is ordinary text (a CSV parser would merge
 * lines). The score must lie in 0..5 ({@link ScoreRange#STS}). Yields {@link Example#scored(String, String, double)}
 * with the sentences exactly as written.
 */
public final class StsBenchmarkFormat implements InputFormat {
    private static final int SCORE = 4;
    private static final int SENTENCE1 = 5;
    private static final int SENTENCE2 = 6;

    @Override
    public boolean hasHeader() {
        return false;
    }

    @Override
    public RecordReader bind(String file, String header) {
        return StsBenchmarkFormat::readLine;
    }

    static Outcome<Example> readLine(String record) {
        String line = ReadSupport.stripCr(record);
        if (line.isBlank()) {
            return ReadSupport.blankLine();
        }
        String[] f = ReadSupport.splitTab(line);
        if (f.length != 7 && f.length != 9) {
            return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected 7 or 9 TAB-separated fields, found %d", f.length);
        }
        return Scores.parse(f[SCORE], ScoreRange.STS, "score field (5)")
                .then(score -> Outcome.accept(Example.scored(f[SENTENCE1], f[SENTENCE2], score)));
    }
}
