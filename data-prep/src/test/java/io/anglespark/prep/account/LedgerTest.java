package io.anglespark.prep.account;

import io.anglespark.prep.Reason;
import io.anglespark.prep.Reason.Bucket;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LedgerTest {

    @Test
    void bucketsThatAddUpToRowsReadVerify() {
        Ledger l = new Ledger();
        l.addRead("stsb-train", 10);
        l.addFate("stsb-train", Fate.WRITTEN.key(), 7);
        l.addFate("stsb-train", Fate.of(Reason.DUPLICATE_MERGED).key(), 2);
        l.addFate("stsb-train", Fate.of(Reason.INVALID_UTF8).key(), 1);
        assertDoesNotThrow(l::verify);
        assertEquals(1, l.count("stsb-train", "quarantined:invalid_utf8"));
    }

    @Test
    void aLostRowFailsNamingTheInput() {
        Ledger l = new Ledger();
        l.addRead("sick-train", 5);
        l.addFate("sick-train", Fate.WRITTEN.key(), 4);
        Ledger.ConservationException e = assertThrows(Ledger.ConservationException.class, l::verify);
        assertTrue(e.getMessage().contains("'sick-train'"), e.getMessage());
        assertTrue(e.getMessage().contains("1 rows were lost"), e.getMessage());
    }

    @Test
    void aRowCountedTwiceFails() {
        Ledger l = new Ledger();
        l.addRead("a", 1);
        l.addFate("a", Fate.WRITTEN.key(), 1);
        l.addFate("a", Fate.of(Reason.NEUTRAL_LABEL).key(), 1);
        assertThrows(Ledger.ConservationException.class, l::verify);
    }

    @Test
    void fatesFromAStageWithoutReadsFail() {
        Ledger l = new Ledger();
        l.addFate("ghost", Fate.WRITTEN.key(), 1);
        assertThrows(Ledger.ConservationException.class, l::verify);
    }

    @Test
    void writtenBeatsDroppedBeatsQuarantined() {
        Fate w = Fate.WRITTEN;
        Fate d = Fate.of(Reason.DUPLICATE_MERGED);
        Fate q = Fate.of(Reason.DUPLICATE_CONFLICT);
        assertEquals(w, Fate.settle(d, w));
        assertEquals(w, Fate.settle(w, q));
        assertEquals(d, Fate.settle(q, d));
        assertEquals(Bucket.DROPPED, Fate.settle(Fate.of(Reason.EVAL_OVERLAP), d).bucket());
        assertEquals(Fate.settle(Fate.of(Reason.EVAL_OVERLAP), d), Fate.settle(d, Fate.of(Reason.EVAL_OVERLAP)));
    }

    @Test
    void aReasonMustMatchItsBucket() {
        assertThrows(IllegalArgumentException.class, () -> new Fate(Bucket.DROPPED, Reason.INVALID_UTF8));
        assertThrows(IllegalArgumentException.class, () -> new Fate(Bucket.WRITTEN, Reason.NEUTRAL_LABEL));
    }
}
