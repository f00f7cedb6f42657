package io.anglespark.prep.read;

import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Spark ships formats and bound readers to executors by Java serialization: they must survive it and read alike. */
class ReadersSerializationTest {

    private static void assertSurvives(InputFormat format, String header, String line) {
        RecordReader bound = format.bind("f", header);
        RecordReader shipped = roundTrip(bound);
        assertEquals(bound.read(line), shipped.read(line));
        assertNotNull(Reading.accepted(shipped.read(line)));
        InputFormat shippedFormat = roundTrip(format);
        assertEquals(bound.read(line), shippedFormat.bind("f", header).read(line));
    }

    @Test
    void everyFormatAndItsBoundReaderSurviveJavaSerialization() {
        assertSurvives(new StsBenchmarkFormat(), null, "g\tf\t2012\t1\t2.5\ta\tb");
        assertSurvives(new SemEvalStsFormat(), null, "2.5\ta\tb");
        assertSurvives(new SickFormat(), "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment",
                "1\ta\tb\t2.5\tNEUTRAL");
        assertSurvives(new NliJsonLinesFormat(), null, "{\"sentence1\":\"a\",\"sentence2\":\"b\",\"gold_label\":\"neutral\"}");
        assertSurvives(new NliTsvFormat(), "prem\thyp\tlabel", "a\tb\tneutral");
        assertSurvives(DelimitedFormat.csv(ColumnMapping.a("x", "y", "s", ScoreRange.STS)), "x,y,s", "\"a,1\",b,2");
        assertSurvives(DelimitedFormat.tsv(ColumnMapping.b("x", "y")), "x\ty", "a\tb");
        assertSurvives(new JsonLinesFormat(ColumnMapping.c("x", "y", "z")), null, "{\"x\":\"a\",\"y\":\"b\",\"z\":\"c\"}");
    }
}
