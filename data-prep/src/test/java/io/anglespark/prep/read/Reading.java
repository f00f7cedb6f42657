package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.SharedData;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helpers: read a whole file through a format, load fixtures, unwrap outcomes. */
final class Reading {
    private Reading() {
    }

    /** Every data line of a file (header bound first when the format has one), in order. */
    static List<Outcome<Example>> readAll(InputFormat format, String file, List<String> lines) {
        RecordReader reader = format.bind(file, format.hasHeader() ? lines.get(0) : null);
        return lines.subList(format.hasHeader() ? 1 : 0, lines.size()).stream().map(reader::read).toList();
    }

    /** A real corpus under ../shared/data, read as {@link SharedData#lines} gives it. */
    static List<Outcome<Example>> readShared(InputFormat format, String relative) {
        return readAll(format, relative, SharedData.lines(relative));
    }

    /** A fixture beside this class, split on LF only so a CRLF file's lines keep their CR (as the readers get them). */
    static List<String> fixtureLines(String name) {
        try (InputStream in = Reading.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            if (lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Outcome<Example>> readFixture(InputFormat format, String name) {
        return readAll(format, name, fixtureLines(name));
    }

    static Example accepted(Outcome<Example> outcome) {
        if (outcome instanceof Outcome.Accepted<Example> a) {
            return a.value();
        }
        throw new AssertionError("expected an accepted row, got " + outcome);
    }

    static Rejection rejected(Outcome<?> outcome) {
        if (outcome instanceof Outcome.Rejected<?> r) {
            return r.rejection();
        }
        throw new AssertionError("expected a rejection, got " + outcome);
    }

    static List<Example> acceptedOnly(List<Outcome<Example>> outcomes) {
        return outcomes.stream().filter(Outcome::isAccepted).map(Reading::accepted).toList();
    }

    /** How many outcomes were rejected for each reason (accepted ones are not counted). */
    static Map<Reason, Integer> reasons(List<Outcome<Example>> outcomes) {
        Map<Reason, Integer> counts = new TreeMap<>();
        for (Outcome<Example> o : outcomes) {
            if (o instanceof Outcome.Rejected<Example> r) {
                counts.merge(r.rejection().reason(), 1, Integer::sum);
            }
        }
        return counts;
    }

    static void assertRejected(Outcome<?> outcome, Reason reason) {
        assertEquals(reason, rejected(outcome).reason(), () -> "for " + outcome);
    }
}
