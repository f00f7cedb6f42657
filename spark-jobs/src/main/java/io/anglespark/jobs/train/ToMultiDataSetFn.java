package io.anglespark.jobs.train;

import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.ExampleShape;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On an executor: one minibatch's examples (whole pairs or triplets, in order) tokenised and padded into the
 * {@link MultiDataSet} the training graph fits ({@link Batcher#toMultiDataSet}). The tokenizer is read once per
 * executor JVM from the broadcast {@code tokenizer.json} bytes (tokenizers are immutable and thread-safe). Loading
 * this class on an executor also points DL4J's training statistics at the system clock
 * ({@link TrainJob#useSystemClockForStats}): DL4J counts the RDD, and so runs this function, before a worker starts.
 */
final class ToMultiDataSetFn implements Function<List<TrainingExample>, MultiDataSet> {
    private static final long serialVersionUID = 1L;
    private static final Map<Long, WordPieceTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    static {
        TrainJob.useSystemClockForStats();
    }

    private final Broadcast<byte[]> tokenizerJson;
    private final ExampleShape format;
    private final int maxLength;

    ToMultiDataSetFn(Broadcast<byte[]> tokenizerJson, ExampleShape format, int maxLength) {
        this.tokenizerJson = tokenizerJson;
        this.format = format;
        this.maxLength = maxLength;
    }

    @Override
    public MultiDataSet call(List<TrainingExample> examples) {
        WordPieceTokenizer tokenizer = TOKENIZERS.computeIfAbsent(tokenizerJson.id(),
                id -> WordPieceTokenizer.fromJson(new ByteArrayInputStream(tokenizerJson.value())));
        Batcher batcher = new Batcher(examples, format, tokenizer, maxLength, examples.size(), 0);
        int[] all = new int[examples.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return batcher.toMultiDataSet(all);
    }
}
