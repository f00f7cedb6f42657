package io.anglespark.model;

import io.anglespark.model.batch.TrainingExample;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.read.InputFormat;
import io.anglespark.prep.read.RecordReader;

import java.util.ArrayList;
import java.util.List;

/** Test helper: a shared-data file's scored pairs, read by the prepare job's readers (rejected lines left out). */
public final class SharedPairs {
    private SharedPairs() {
    }

    /** Every accepted pair of {@code file} (relative to ../shared/data), in file order. */
    public static List<TrainingExample> read(InputFormat format, String file) {
        List<String> lines = SharedData.lines(file);
        String header = format.hasHeader() ? lines.get(0) : null;
        RecordReader r = format.bind(file, header);
        List<TrainingExample> out = new ArrayList<>();
        for (String line : format.hasHeader() ? lines.subList(1, lines.size()) : lines) {
            if (r.read(line) instanceof Outcome.Accepted<Example> a) {
                out.add(TrainingExample.pair(a.value().text1(), a.value().text2(), a.value().score()));
            }
        }
        return out;
    }
}
