package io.anglespark.jobs.prepare;

import io.anglespark.prep.ScoreRange;
import io.anglespark.prep.read.DelimitedFormat;
import io.anglespark.prep.read.InputFormat;
import io.anglespark.prep.read.JsonLinesFormat;
import io.anglespark.prep.read.NliJsonLinesFormat;
import io.anglespark.prep.read.NliTsvFormat;
import io.anglespark.prep.read.SemEvalStsFormat;
import io.anglespark.prep.read.SickFormat;
import io.anglespark.prep.read.StsBenchmarkFormat;

/** Maps a configured input onto its data-prep reader and its score scale. */
final class Formats {
    private Formats() {
    }

    /** The line-oriented format of an input; Parquet inputs are read by Spark and have none. */
    static InputFormat lineFormat(InputSpec in) {
        InputSpec.Fields f = in.fields();
        return switch (in.format()) {
            case STSB -> new StsBenchmarkFormat();
            case SICK -> new SickFormat();
            case SEMEVAL_STS -> new SemEvalStsFormat();
            case NLI_JSONL -> new NliJsonLinesFormat(f.premise(), f.hypothesis(), f.label());
            case NLI_TSV -> new NliTsvFormat(f.premise(), f.hypothesis(), f.label());
            case CSV -> DelimitedFormat.csv(f.mapping());
            case TSV -> DelimitedFormat.tsv(f.mapping());
            case JSONL -> new JsonLinesFormat(f.mapping());
            case PARQUET -> throw new IllegalArgumentException("input '" + in.name() + "': Parquet has no line format");
        };
    }

    /** The scale a scored pair's label is on, for normalisation; null when unknown (NLI, or no label-range). */
    static ScoreRange scoreRange(InputSpec in) {
        return switch (in.format()) {
            case STSB, SEMEVAL_STS -> ScoreRange.STS;
            case SICK -> ScoreRange.SICK;
            case CSV, TSV, JSONL, PARQUET -> in.fields().mapping().labelRange();
            default -> null;
        };
    }
}
