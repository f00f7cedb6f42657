package io.anglespark.model.batch;

import io.anglespark.prep.ExampleShape;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The example fixtures of src/test/resources/io/anglespark/model/batch. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixture's examples: TAB-separated texts, then format A's score; '#' lines are comments. */
    public static List<TrainingExample> examples(String name, ExampleShape format) {
        List<TrainingExample> out = new ArrayList<>();
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                out.add(switch (format) {
                    case SCORED_PAIR -> TrainingExample.pair(f[0], f[1], Double.parseDouble(f[2]));
                    case POSITIVE_PAIR -> TrainingExample.positive(f[0], f[1]);
                    case TRIPLET -> TrainingExample.triplet(f[0], f[1], f[2]);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
