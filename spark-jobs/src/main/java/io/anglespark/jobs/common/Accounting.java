package io.anglespark.jobs.common;

import io.anglespark.prep.RowRef;
import io.anglespark.prep.account.Fate;
import io.anglespark.prep.account.Ledger;
import org.apache.spark.api.java.JavaPairRDD;

import java.util.List;

/** The Spark side of conservation: every stage's row decisions settled to one fate per row, counted into a ledger. */
public final class Accounting {
    private Accounting() {
    }

    /**
     * Settles the fates (a row decided by several stages keeps its most final fate), counts them per
     * input into {@code ledger}, and verifies the ledger against its rows read.
     *
     * @throws Ledger.ConservationException naming the first input whose rows do not add up
     */
    public static void settleAndVerify(List<JavaPairRDD<RowRef, Fate>> fates, Ledger ledger) {
        fates.stream().reduce(JavaPairRDD::union).orElseThrow()
                .reduceByKey(Fate::settle)
                .map(t -> t._1().input() + "\t" + t._2().key())
                .countByValue()
                .forEach((k, n) -> {
                    String[] kv = k.split("\t", 2);
                    ledger.addFate(kv[0], kv[1], n);
                });
        ledger.verify();
    }
}
