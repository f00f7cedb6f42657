package io.anglespark.jobs.common;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.RowRef;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
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

    @Test
    void ndArraysAndMultiDataSetsSurviveKryo() {
        INDArray ids = Nd4j.create(new float[]{101, 2023, 102, 0, 101, 2307, 2003, 102}, new long[]{2, 4}, 'c');
        INDArray labels = Nd4j.create(new float[]{4.2f, 4.2f}, new long[]{2, 1}, 'c');
        MultiDataSet m = new MultiDataSet(new INDArray[]{ids, Nd4j.zeros(2, 4), ids.gt(0).castTo(ids.dataType())}, new INDArray[]{labels});
        MultiDataSet back = roundTrip(m);
        assertEquals(3, back.getFeatures().length);
        assertEquals(ids, back.getFeatures(0));
        assertEquals(m.getFeatures(2), back.getFeatures(2));
        assertEquals(labels, back.getLabels(0));
        assertEquals(ids.getRow(1).dup(), roundTrip(ids.getRow(1).dup()), "a view copied out survives too");
    }
}
