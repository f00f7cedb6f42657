package io.anglespark.jobs.embed;

import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.TextEmbedder;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Turns a partition of a slice's {@code (id, text_sha256, text, reused)} rows, sorted by {@code text_sha256}, into
 * output rows ({@link EmbedJob#OUTPUT}) with the executor's cached engine ({@link EngineCache}). A row with a
 * reused vector keeps it; the other rows' texts are embedded once per distinct text: up to {@code bucketTexts}
 * texts at a time are gathered, sorted by length and batched by {@link TextEmbedder}, so a task holds at most one
 * group of rows and vectors. The ids of one text are adjacent (the rows are sorted by its hash) and never split
 * across groups, so each text is embedded once.
 */
final class EmbedTextsFn implements FlatMapFunction<Iterator<Row>, Row> {
    private final EngineCache.Key key;
    private final String modelId;
    private final int dim;
    private final LongTextPolicy policy;
    private final int batchSize;
    private final boolean normalize;
    private final int bucketTexts;
    private final int slice;
    private final int failInSlice;
    private final LongAccumulator embedded;
    private final LongAccumulator truncated;
    private final LongAccumulator chunked;
    private final LongAccumulator tokens;

    EmbedTextsFn(EngineCache.Key key, String modelId, int dim, EmbedConfig cfg, int slice, LongAccumulator embedded, LongAccumulator truncated,
                 LongAccumulator chunked, LongAccumulator tokens) {
        this.key = key;
        this.modelId = modelId;
        this.dim = dim;
        this.policy = cfg.policy();
        this.batchSize = cfg.batchSize();
        this.normalize = cfg.normalize();
        this.bucketTexts = cfg.bucketTexts();
        this.slice = slice;
        this.failInSlice = cfg.failInSlice();
        this.embedded = embedded;
        this.truncated = truncated;
        this.chunked = chunked;
        this.tokens = tokens;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (slice == failInSlice && rows.hasNext()) {
            throw new IllegalStateException("test hook: embed.testing.fail-in-slice = " + failInSlice + " fails every task of that slice");
        }
        TextEmbedder embedder = new TextEmbedder(EngineCache.get(key).engine(), policy, batchSize, normalize);
        return new Iterator<>() {
            private List<Row> ready = List.of();
            private int next;
            private Row pending;

            @Override
            public boolean hasNext() {
                while (next >= ready.size()) {
                    if (pending == null && !rows.hasNext()) {
                        return false;
                    }
                    ready = group();
                    next = 0;
                }
                return true;
            }

            /** The output rows of the next group: up to bucketTexts rows, more only to finish the ids of a text. */
            private List<Row> group() {
                List<Row> in = new ArrayList<>(bucketTexts);
                List<String> texts = new ArrayList<>(bucketTexts);
                int[] textOf = new int[bucketTexts];
                String lastSha = null;
                while (pending != null || rows.hasNext()) {
                    Row r = pending != null ? pending : rows.next();
                    pending = null;
                    String sha = r.getString(1);
                    boolean sameText = sha.equals(lastSha);
                    if (in.size() >= bucketTexts && !sameText) {
                        pending = r;
                        break;
                    }
                    if (in.size() == textOf.length) {
                        textOf = java.util.Arrays.copyOf(textOf, textOf.length * 2);
                    }
                    if (r.isNullAt(3) && !sameText) {
                        texts.add(r.getString(2));
                    }
                    textOf[in.size()] = r.isNullAt(3) ? texts.size() - 1 : -1;
                    in.add(r);
                    lastSha = sha;
                }
                float[][] v = embed(texts);
                List<Row> out = new ArrayList<>(in.size());
                for (int i = 0; i < in.size(); i++) {
                    Row r = in.get(i);
                    Object vector = textOf[i] < 0 ? r.get(3) : v[textOf[i]];
                    out.add(RowFactory.create(r.getString(0), r.getString(1), modelId, dim, vector));
                }
                return out;
            }

            private float[][] embed(List<String> texts) {
                if (texts.isEmpty()) {
                    return new float[0][];
                }
                long t0 = embedder.truncated(), c0 = embedder.chunked(), k0 = embedder.tokens();
                float[][] v = embedder.embed(texts);
                embedded.add(texts.size());
                truncated.add(embedder.truncated() - t0);
                chunked.add(embedder.chunked() - c0);
                tokens.add(embedder.tokens() - k0);
                return v;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }
}
