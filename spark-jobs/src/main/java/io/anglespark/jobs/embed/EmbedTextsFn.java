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
 * Embeds a partition of distinct {@code (text_sha256, text)} rows into {@code (text_sha256, embedding)} rows with
 * the executor's cached engine ({@link EngineCache}): {@code bucketTexts} texts at a time are gathered, sorted by
 * length and batched by {@link TextEmbedder}, so a task holds at most one group of texts and vectors.
 */
final class EmbedTextsFn implements FlatMapFunction<Iterator<Row>, Row> {
    private final EngineCache.Key key;
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

    EmbedTextsFn(EngineCache.Key key, EmbedConfig cfg, int slice, LongAccumulator embedded, LongAccumulator truncated, LongAccumulator chunked,
                 LongAccumulator tokens) {
        this.key = key;
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

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                if (!rows.hasNext()) {
                    return false;
                }
                List<String> shas = new ArrayList<>(bucketTexts);
                List<String> texts = new ArrayList<>(bucketTexts);
                while (rows.hasNext() && texts.size() < bucketTexts) {
                    Row r = rows.next();
                    shas.add(r.getString(0));
                    texts.add(r.getString(1));
                }
                long t0 = embedder.truncated(), c0 = embedder.chunked(), k0 = embedder.tokens();
                float[][] v = embedder.embed(texts);
                embedded.add(texts.size());
                truncated.add(embedder.truncated() - t0);
                chunked.add(embedder.chunked() - c0);
                tokens.add(embedder.tokens() - k0);
                List<Row> out = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    out.add(RowFactory.create(shas.get(i), v[i]));
                }
                ready = out;
                next = 0;
                return true;
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
