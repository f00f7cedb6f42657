package io.anglespark.jobs.prepare;

import io.anglespark.jobs.common.Outputs;
import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.ScoreRange;
import io.anglespark.prep.Split;
import io.anglespark.prep.account.Fate;
import io.anglespark.prep.pair.CandidatePair;
import io.anglespark.prep.pair.DuplicateResolver;
import io.anglespark.prep.pair.NliRow;
import io.anglespark.prep.pair.NliTriplets;
import io.anglespark.prep.pair.Resolution;
import io.anglespark.prep.pair.PairKey;
import io.anglespark.prep.pair.TripletCandidate;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The named functions the prepare job runs on executors between its shuffles. Each wraps a data-prep rule. */
final class PairingFns {
    private PairingFns() {
    }

    private static final char SEP = '\u0001';

    /** A format-A candidate with where it goes. */
    record Candidate(CandidatePair pair, String source, Split split) implements Serializable {
    }

    /** The outcome of one duplicate group: the pair kept (or none), every row's fate, and group stats. */
    record Resolved(String source, Split split, Outputs.Pair kept, List<Tuple2<RowRef, Fate>> fates,
                    List<Outputs.Quarantined> quarantined, int groupSize, boolean conflict) implements Serializable {
    }

    /**
     * Scored and NLI rows to format-A candidates keyed by (source, split, order-insensitive pair), or to
     * a fate when a rule removes them here (a neutral NLI row when neutral rows are dropped).
     */
    static final class ToCandidateFn implements PairFlatMapFunction<ReadRow, String, Candidate> {
        private final Map<String, ScoreRange> normalizeRanges;
        private final boolean nliPairs;
        private final Double neutralLabel;

        /** @param normalizeRanges input name to the range to normalise from; empty when not normalising */
        ToCandidateFn(Map<String, ScoreRange> normalizeRanges, boolean nliPairs, Double neutralLabel) {
            this.normalizeRanges = normalizeRanges;
            this.nliPairs = nliPairs;
            this.neutralLabel = neutralLabel;
        }

        @Override
        public Iterator<Tuple2<String, Candidate>> call(ReadRow r) {
            Example e = r.example();
            double label;
            if (e.kind() == Example.Kind.SCORED_PAIR) {
                ScoreRange range = normalizeRanges.get(r.ref().input());
                label = range == null ? e.score() : range.normalize(e.score());
            } else if (e.kind() == Example.Kind.NLI_PAIR && nliPairs) {
                if (e.nliLabel() == NliLabel.NEUTRAL) {
                    if (neutralLabel == null) {
                        return List.<Tuple2<String, Candidate>>of().iterator();
                    }
                    label = neutralLabel;
                } else {
                    label = e.nliLabel() == NliLabel.ENTAILMENT ? 1.0 : 0.0;
                }
            } else {
                return List.<Tuple2<String, Candidate>>of().iterator();
            }
            String key = r.source() + SEP + r.split().label() + SEP + PairKey.orderInsensitive(e.text1(), e.text2());
            return List.of(new Tuple2<>(key, new Candidate(new CandidatePair(r.ref(), e.text1(), e.text2(), label), r.source(), r.split()))).iterator();
        }
    }

    /** Fates decided before pairing: neutral NLI rows dropped, NLI rows left out of pairs (until a triplet uses them). */
    static final class EarlyFateFn implements PairFlatMapFunction<ReadRow, RowRef, Fate> {
        private final boolean nliPairs;
        private final Double neutralLabel;

        EarlyFateFn(boolean nliPairs, Double neutralLabel) {
            this.nliPairs = nliPairs;
            this.neutralLabel = neutralLabel;
        }

        @Override
        public Iterator<Tuple2<RowRef, Fate>> call(ReadRow r) {
            Example e = r.example();
            if (e.kind() != Example.Kind.NLI_PAIR) {
                return List.<Tuple2<RowRef, Fate>>of().iterator();
            }
            if (e.nliLabel() == NliLabel.NEUTRAL && (neutralLabel == null || !nliPairs)) {
                return List.of(new Tuple2<>(r.ref(), Fate.of(Reason.NEUTRAL_LABEL))).iterator();
            }
            if (!nliPairs) {
                return List.of(new Tuple2<>(r.ref(), Fate.of(Reason.NLI_UNPAIRED))).iterator();
            }
            return List.<Tuple2<RowRef, Fate>>of().iterator();
        }
    }

    /** Resolves one duplicate group with the configured policy. */
    static final class ResolveFn implements org.apache.spark.api.java.function.Function<Tuple2<String, Iterable<Candidate>>, Resolved> {
        private final DuplicateResolver resolver;

        ResolveFn(DuplicateResolver resolver) {
            this.resolver = resolver;
        }

        @Override
        public Resolved call(Tuple2<String, Iterable<Candidate>> group) {
            List<CandidatePair> pairs = new ArrayList<>();
            String source = null;
            Split split = null;
            for (Candidate c : group._2()) {
                pairs.add(c.pair());
                source = c.source();
                split = c.split();
            }
            Resolution res = resolver.resolve(pairs);
            List<Tuple2<RowRef, Fate>> fates = new ArrayList<>();
            List<Outputs.Quarantined> quarantined = new ArrayList<>();
            Outputs.Pair kept = null;
            if (res.kept().isPresent()) {
                CandidatePair k = res.kept().get();
                kept = new Outputs.Pair(k.ref(), k.text1(), k.text2(), k.label(), source, split);
            }
            for (Resolution.Dropped d : res.dropped()) {
                fates.add(new Tuple2<>(d.ref(), Fate.of(d.reason())));
                if (d.reason().bucket() == Reason.Bucket.QUARANTINED) {
                    CandidatePair p = pairs.stream().filter(x -> x.ref().equals(d.ref())).findFirst().orElseThrow();
                    quarantined.add(new Outputs.Quarantined(source, d.ref(), d.reason(),
                            "the same pair has different scores in one split (conflict-policy reject-both); this row's score " + p.label(),
                            p.text1() + "\t" + p.text2()));
                }
            }
            return new Resolved(source, split, kept, fates, quarantined, res.groupSize(), res.conflict());
        }
    }

    /** NLI rows keyed by (source, split, premise), for grouping into triplets. */
    static final class NliByPremiseFn implements PairFlatMapFunction<ReadRow, String, NliRow> {
        @Override
        public Iterator<Tuple2<String, NliRow>> call(ReadRow r) {
            Example e = r.example();
            if (e.kind() != Example.Kind.NLI_PAIR || e.nliLabel() == NliLabel.NEUTRAL) {
                return List.<Tuple2<String, NliRow>>of().iterator();
            }
            String key = r.source() + SEP + r.split().label() + SEP + e.text1();
            return List.of(new Tuple2<>(key, new NliRow(r.ref(), e.text1(), e.text2(), e.nliLabel()))).iterator();
        }
    }

    /** One premise group to its triplets. */
    static final class BuildTripletsFn implements FlatMapFunction<Tuple2<String, Iterable<NliRow>>, Outputs.Triplet> {
        @Override
        public Iterator<Outputs.Triplet> call(Tuple2<String, Iterable<NliRow>> group) {
            String[] parts = group._1().split(String.valueOf(SEP), 3);
            Split split = Split.parse(parts[1]);
            List<NliRow> rows = new ArrayList<>();
            group._2().forEach(rows::add);
            List<Outputs.Triplet> out = new ArrayList<>();
            for (TripletCandidate t : NliTriplets.build(rows).triplets()) {
                out.add(new Outputs.Triplet(t.id(), t.query(), t.positive(), t.negative(), parts[0], split, t.refs()));
            }
            return out.iterator();
        }
    }

    /** Format B and C rows as examples keyed by (source, split, exact texts), for removing exact duplicates. */
    static final class ExampleKeyFn implements PairFlatMapFunction<ReadRow, String, Outputs.Triplet> {
        private final Example.Kind kind;
        private final java.util.Set<String> multiFileInputs;

        /** @param multiFileInputs inputs read from several files: their ids carry the file name, so they stay unique */
        ExampleKeyFn(Example.Kind kind, java.util.Set<String> multiFileInputs) {
            this.kind = kind;
            this.multiFileInputs = multiFileInputs;
        }

        @Override
        public Iterator<Tuple2<String, Outputs.Triplet>> call(ReadRow r) {
            Example e = r.example();
            if (e.kind() != kind) {
                return List.<Tuple2<String, Outputs.Triplet>>of().iterator();
            }
            Outputs.Triplet t = new Outputs.Triplet(r.ref().id(multiFileInputs.contains(r.ref().input())), e.text1(), e.text2(), e.text3(), r.source(), r.split(), List.of(r.ref()));
            return List.of(new Tuple2<>(tripletKey(t), t)).iterator();
        }
    }

    static String tripletKey(Outputs.Triplet t) {
        return t.source() + SEP + t.split().label() + SEP + PairKey.ordered(t.query(), t.positive())
                + SEP + (t.negative() == null ? "" : t.negative());
    }

    /** Keeps the first of a group of identical examples (smallest row); the others' rows are merged duplicates. */
    static final class FirstOfGroupFn implements org.apache.spark.api.java.function.Function<Tuple2<String, Iterable<Outputs.Triplet>>, List<Outputs.Triplet>> {
        @Override
        public List<Outputs.Triplet> call(Tuple2<String, Iterable<Outputs.Triplet>> group) {
            List<Outputs.Triplet> all = new ArrayList<>();
            group._2().forEach(all::add);
            all.sort(Comparator.comparing((Outputs.Triplet t) -> t.refs().get(0)).thenComparing(Outputs.Triplet::id));
            return all;
        }
    }
}
