package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.tokenize.WordPieceTokenizer;

import org.nd4j.linalg.factory.Nd4j;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The DL4J encoder as an engine. A {@code ComputationGraph} is not thread-safe, so calls are serialised; ND4J's
 * BLAS already spreads one forward pass over the cores, so concurrent callers lose little.
 *
 * <p>Every forward pass runs on the engine's own thread, whichever thread calls. DL4J keeps a forward pass's
 * activations in workspaces, native memory that belongs to the thread and grows to the largest batch it has seen
 * (about a gigabyte for MiniLM-L6 at 32 x 128 tokens). Run on the callers' threads, every Spark task thread grew
 * its own set: the backfill benchmark's executor grew from 6.3 to 8.8 GB resident over 100,000 texts on a fixed
 * heap. One thread keeps one set.
 */
public final class Dl4jEngine implements EmbeddingEngine {
    private final Encoder encoder;
    private final ExecutorService thread;

    public Dl4jEngine(Encoder encoder) {
        this.encoder = Objects.requireNonNull(encoder);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dl4j-engine-" + encoder.modelName());
            t.setDaemon(true);
            return t;
        });
    }

    public Encoder encoder() {
        return encoder;
    }

    @Override
    public Engine kind() {
        return Engine.DL4J;
    }

    @Override
    public String modelName() {
        return encoder.modelName();
    }

    @Override
    public BertConfig config() {
        return encoder.config();
    }

    @Override
    public Pooling pooling() {
        return encoder.pooling();
    }

    @Override
    public WordPieceTokenizer tokenizer() {
        return encoder.tokenizer();
    }

    @Override
    public float[][] pooled(int[][] ids, int[][] mask) {
        Future<float[][]> result = thread.submit(() -> encoder.pooled(ids, mask));
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while embedding", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Frees the engine thread's workspaces and ends the thread; the graph's own arrays go with the garbage collector. */
    @Override
    public void close() {
        if (!thread.isShutdown()) {
            thread.execute(() -> Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread());
            thread.shutdown();
        }
    }
}
