package io.anglespark.jobs.prepare;

import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.prep.ScoreRange;
import io.anglespark.prep.Split;
import io.anglespark.prep.read.ColumnMapping;
import io.anglespark.prep.ExampleShape;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One configured input: a name (unique; the unit of accounting), the corpus it belongs to (written as
 * {@code source}), its format, its path (any Hadoop path or glob; a relative path is taken under the
 * data root) and the split its rows go to ({@code train}, {@code dev}, {@code test}, or {@code hash}:
 * a stable hash of the pair decides).
 *
 * @param split  null when {@code hash}
 * @param fields column names for the NLI formats (premise, hypothesis, label) and the generic formats' mapping
 */
public record InputSpec(String name, String source, Format format, String path, Split split, Fields fields)
        implements Serializable {

    public enum Format {
        STSB, SICK, SEMEVAL_STS, NLI_JSONL, NLI_TSV, CSV, TSV, JSONL, PARQUET;

        boolean generic() {
            return this == CSV || this == TSV || this == JSONL || this == PARQUET;
        }
    }

    /** Column names: for NLI formats the premise, hypothesis and label fields; for generic formats a mapping. */
    public record Fields(String premise, String hypothesis, String label, ColumnMapping mapping) implements Serializable {
    }

    public boolean hashSplit() {
        return split == null;
    }

    static InputSpec parse(ConfigReader r, String dataRoot) {
        String name = r.requiredString("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw r.invalid("name", "'" + name + "'", "use letters, digits, '.', '_' and '-'");
        }
        String source = r.string("source", name);
        Format format = r.enumOf("format", Format.class, null);
        String path = resolve(dataRoot, r.requiredString("path"));
        String splitText = r.string("split", "train").trim().toLowerCase(Locale.ROOT);
        Split split;
        if (splitText.equals("hash")) {
            split = null;
        } else {
            try {
                split = Split.parse(splitText);
            } catch (IllegalArgumentException e) {
                throw r.invalid("split", "'" + splitText + "'", "must be train, dev, test or hash");
            }
        }
        Fields fields = switch (format) {
            case NLI_JSONL -> new Fields(r.string("premise-field", "sentence1"), r.string("hypothesis-field", "sentence2"),
                    r.string("label-field", "gold_label"), null);
            case NLI_TSV -> new Fields(r.string("premise-field", "prem"), r.string("hypothesis-field", "hyp"),
                    r.string("label-field", "label"), null);
            case CSV, TSV, JSONL, PARQUET -> new Fields(null, null, null, mapping(r.section("columns"), r));
            default -> new Fields(null, null, null, null);
        };
        return new InputSpec(name, source, format, path, split, fields);
    }

    private static ColumnMapping mapping(ConfigReader c, ConfigReader input) {
        ExampleShape target = input.parsed("target", ExampleShape.SCORED_PAIR.label(), ExampleShape::parse);
        List<Double> range = input.optionalDoubleList("label-range");
        ScoreRange labelRange = null;
        if (range != null) {
            if (range.size() != 2) {
                throw input.invalid("label-range", range, "must be [min, max]");
            }
            try {
                labelRange = new ScoreRange(range.get(0), range.get(1));
            } catch (IllegalArgumentException e) {
                throw input.invalid("label-range", range, e.getMessage());
            }
        }
        try {
            return switch (target) {
                case SCORED_PAIR -> ColumnMapping.a(c.string("text1", "text1"), c.string("text2", "text2"), c.string("label", "label"), labelRange);
                case POSITIVE_PAIR -> ColumnMapping.b(c.string("query", "query"), c.string("positive", "positive"));
                case TRIPLET -> ColumnMapping.c(c.string("query", "query"), c.string("positive", "positive"), c.string("negative", "negative"));
            };
        } catch (IllegalArgumentException e) {
            throw input.invalid("columns", "", e.getMessage());
        }
    }

    public static String resolve(String dataRoot, String path) {
        return io.anglespark.jobs.common.HadoopFs.resolve(dataRoot, path);
    }
}
