package io.anglespark.prep.read;

import io.anglespark.prep.ExampleShape;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.Objects;

/**
 * User data as JSON lines: no header, one JSON object per line ({@link Reason#INVALID_JSON} otherwise), mapped to
 * a {@link ExampleShape} by a {@link ColumnMapping} whose column names are the objects' top-level member names.
 * String members are text, numbers are numbers (a label may be either), null counts as absent; the values go
 * through {@link GenericRowMapper}.
 */
public record JsonLinesFormat(ColumnMapping mapping) implements InputFormat {

    public JsonLinesFormat {
        Objects.requireNonNull(mapping, "mapping");
    }

    @Override
    public boolean hasHeader() {
        return false;
    }

    @Override
    public RecordReader bind(String file, String header) {
        return new Bound(new GenericRowMapper(mapping));
    }

    private record Bound(GenericRowMapper mapper) implements RecordReader {
        @Override
        public Outcome<Example> read(String record) {
            String line = ReadSupport.stripCr(record);
            if (line.isBlank()) {
                return ReadSupport.blankLine();
            }
            return Json.object(line).then(o -> mapper.map(name -> Json.value(o.get(name))));
        }
    }
}
