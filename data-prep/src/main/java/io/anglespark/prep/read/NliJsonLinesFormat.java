package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

/**
 * NLI pairs as JSON lines (SNLI's own schema, e-SNLI as redistributed here, MultiNLI's {@code .jsonl}): no header,
 * one JSON object per line with string members for premise, hypothesis and gold label; other members (parses,
 * annotator labels, ids) are ignored. Member names default to SNLI's {@code sentence1}, {@code sentence2},
 * {@code gold_label}.
 * <ul>
 *   <li>not JSON, or not an object: {@link Reason#INVALID_JSON};</li>
 *   <li>a member absent, null or not a string: {@link Reason#MISSING_FIELD} naming it;</li>
 *   <li>gold label {@code -} (annotators disagreed): {@link Reason#NO_GOLD_LABEL}; any other label that is not
 *       entailment / neutral / contradiction (any case): {@link Reason#UNKNOWN_LABEL}.</li>
 * </ul>
 * Yields {@link Example#nli}.
 */
public record NliJsonLinesFormat(String premiseField, String hypothesisField, String labelField) implements InputFormat {

    public NliJsonLinesFormat {
        ReadSupport.requireName(premiseField, "premiseField");
        ReadSupport.requireName(hypothesisField, "hypothesisField");
        ReadSupport.requireName(labelField, "labelField");
    }

    /** SNLI's member names. */
    public NliJsonLinesFormat() {
        this("sentence1", "sentence2", "gold_label");
    }

    @Override
    public boolean hasHeader() {
        return false;
    }

    @Override
    public RecordReader bind(String file, String header) {
        return this::readLine;
    }

    private Outcome<Example> readLine(String record) {
        String line = ReadSupport.stripCr(record);
        if (line.isBlank()) {
            return ReadSupport.blankLine();
        }
        return Json.object(line).then(o -> Json.text(o, premiseField)
                .then(p -> Json.text(o, hypothesisField)
                        .then(h -> Json.text(o, labelField)
                                .then(raw -> ReadSupport.nliLabel(raw, "field '" + labelField + "'"))
                                .then(l -> Outcome.accept(Example.nli(p, h, l))))));
    }
}
