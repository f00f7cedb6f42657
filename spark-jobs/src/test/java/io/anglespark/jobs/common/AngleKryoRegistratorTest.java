package io.anglespark.jobs.common;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.RowRef;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AngleKryoRegistratorTest {
    private final SerializerInstance kryo = new KryoSerializer(new SparkConf()
            .set("spark.kryo.registrator", AngleKryoRegistrator.class.getName())).newInstance();

    private <T> T roundTrip(T value) {
        return kryo.deserialize(kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class)), ClassTag$.MODULE$.apply(Object.class));
    }

    record Holder(List<RowRef> refs, Map<String, Long> counts, double score) {
    }

    @Test
    void recordsAndImmutableCollectionsSurviveKryo() {
        Example e = Example.scored("A man plays.", "A man is playing.", 4.2, NliLabel.ENTAILMENT);
        assertEquals(e, roundTrip(e));
        Holder h = new Holder(List.of(new RowRef("stsb-train", "/d/sts-train.csv", 7), new RowRef("x", "/f", 1)), Map.of("a", 1L), Double.NaN);
        assertEquals(h.refs(), roundTrip(h).refs());
        assertEquals(h.counts(), roundTrip(h).counts());
        assertEquals(List.of(), roundTrip(List.of()));
    }

    @Test
    void nestedRecordsWithNullComponentsSurviveKryo() {
        Example b = Example.positive("what is spark?", "a cluster engine");
        assertEquals(b, roundTrip(b));
    }
}
