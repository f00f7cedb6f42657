package io.anglespark.prep.read;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line by RFC 4180: fields separated by commas; a field that starts with {@code "} is quoted, may
 * hold commas, and writes a quote as {@code ""}; its closing quote must end the field. A quote inside an unquoted
 * field is ordinary text. The record must lie within the line: a quote left open at its end is
 * {@link Reason#MALFORMED_RECORD}, as is text between a closing quote and the next comma.
 */
final class CsvLine {
    private CsvLine() {
    }

    static Outcome<List<String>> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int n = line.length();
        int i = 0;
        while (true) {
            field.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                int open = i++;
                while (true) {
                    if (i >= n) {
                        return Outcome.reject(Reason.MALFORMED_RECORD, "unbalanced quote: the quote that opens field %d"
                                + " at column %d is not closed by the end of the line", fields.size() + 1, open + 1);
                    }
                    char c = line.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < n && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    return Outcome.reject(Reason.MALFORMED_RECORD,
                            "field %d has text after its closing quote, at column %d", fields.size() + 1, i + 1);
                }
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                field.append(line, i, end);
                i = end;
            }
            fields.add(field.toString());
            if (i >= n) {
                return Outcome.accept(fields);
            }
            i++; // the comma
        }
    }
}
