package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;

/**
 * SemEval STS files in the {@code score<TAB>sentence1<TAB>sentence2} layout (no header, exactly 3 TAB-separated
 * fields, no quoting). The score must lie in 0..5; an empty score (how later years mark unscored pairs) is
 * {@link Reason#UNSCORED}. Yields {@link Example#scored(String, String, double)}.
 */
public final class SemEvalStsFormat implements InputFormat {

    @Override
    public boolean hasHeader() {
        return false;
    }

    @Override
    public RecordReader bind(String file, String header) {
        return SemEvalStsFormat::readLine;
    }

    static Outcome<Example> readLine(String record) {
        String line = ReadSupport.stripCr(record);
        if (line.isBlank()) {
            return ReadSupport.blankLine();
        }
        String[] f = ReadSupport.splitTab(line);
        if (f.length != 3) {
            return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected 3 TAB-separated fields, found %d", f.length);
        }
        return Scores.parse(f[0], ScoreRange.STS, "score field (1)")
                .then(score -> Outcome.accept(Example.scored(f[1], f[2], score)));
    }
}
