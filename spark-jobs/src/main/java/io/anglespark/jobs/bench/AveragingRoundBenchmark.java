package io.anglespark.jobs.bench;

import io.anglespark.jobs.common.AngleKryoRegistrator;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.train.TrainJob;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.model.Machine;
import io.anglespark.model.NativeBuild;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.TrainingGraph;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.io.CompressionCodec;
import org.apache.spark.io.CompressionCodec$;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementCombineFunction;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

import io.anglespark.jobs.common.RecycledArrays;
import io.anglespark.jobs.train.ReusingTrainingWorker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The phases of one parameter-averaging round, each timed alone on the objects DL4J's round moves (run by
 * {@code bench/averaging}): the driver serialising the broadcast ({@link NetBroadcastTuple}: configuration, parameters,
 * Adam's state; compressed as Spark's TorrentBroadcast does with {@code spark.broadcast.compress}), a worker reading it
 * back (on a cluster; in local mode the executor gets the driver's object), the worker building its network from it
 * (DL4J's {@code getInitialModelGraph}: configuration clone, init, copies of parameters and state), the worker's
 * task result (the {@link ParameterAveragingAggregationTuple} of its partition) serialised and the driver reading it
 * back, and the driver's sum and apply (DL4J's combine function, the division, {@code setParams} and the updater's
 * state); each with Spark's Kryo serializer configured as the jobs are, once with ND4J's own array serializer (as
 * before) and once with ours ({@code NdArraySerializer}), beside a plain copy of the same number of bytes; and the two
 * phases as the train job runs every round after its first: the worker's kept network with the round's state copied in
 * ({@link ReusingTrainingWorker#networkFrom}) and a result read into the last round's arrays ({@link RecycledArrays}).
 *
 * <pre>AveragingRoundBenchmark OUT.md COMMAND CONFIG MODEL[,MODEL...] [--set KEY=VALUE ...]</pre>
 */
public final class AveragingRoundBenchmark {
    private static final int REPEATS = 3;

    private AveragingRoundBenchmark() {
    }

    /** ND4J's element-by-element array serializer ahead of the project's (Kryo takes the first default that matches). */
    public static final class Nd4jArraysRegistrator implements KryoRegistrator {
        @Override
        public void registerClasses(com.esotericsoftware.kryo.Kryo kryo) {
            kryo.addDefaultSerializer(INDArray.class, new Nd4jSerializer());
            new AngleKryoRegistrator().registerClasses(kryo);
        }
    }

    /**
     * One phase's measurement: the arrays' bytes it moves (parameters and updater state), the bytes it writes or reads
     * when it serialises (0 otherwise), and the best of {@link #REPEATS} times.
     */
    record Phase(String model, String serializer, String name, long bytes, long wireBytes, double seconds, double copySeconds) {
        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: AveragingRoundBenchmark OUT.md COMMAND CONFIG MODEL[,MODEL...] [--set KEY=VALUE ...]");
            System.exit(2);
        }
        NativeBuild.select();
        List<String> sets = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            if (!args[i].equals("--set") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --set KEY=VALUE, got " + args[i]);
            }
            sets.add(args[++i]);
        }
        List<Phase> phases = new ArrayList<>();
        for (String model : args[3].split(",")) {
            List<String> overrides = new ArrayList<>(sets);
            overrides.add("train.model=" + model);
            TrainJobConfig cfg = TrainJobConfig.from(JobConfigs.load(args[2], overrides, new Configuration()));
            phases.addAll(measure(model, cfg));
        }
        Files.writeString(Path.of(args[0]), report(args[1], phases), StandardCharsets.UTF_8);
        System.out.println("wrote " + args[0]);
    }

    static List<Phase> measure(String model, TrainJobConfig cfg) throws Exception {
        ModelSpec spec = TrainJob.modelSpec(cfg, new Configuration());
        ComputationGraph graph = TrainingGraph.build(cfg.training(), spec, 1000);
        INDArray params = graph.params();
        INDArray state = graph.getUpdater().getStateViewArray();
        // a fresh Adam state is all zeros (it compresses 3x); after training both moments are dense, incompressible floats
        Nd4j.getRandom().setSeed(7);
        state.assign(Nd4j.randn(state.dataType(), state.shape()).muli(1e-3));
        NetBroadcastTuple broadcast = new NetBroadcastTuple(graph.getConfiguration(), params, state);
        // a worker's task result: its partition's sum (one worker's parameters and state, as DL4J's add function builds it)
        ParameterAveragingAggregationTuple result = new ParameterAveragingAggregationTuple(params.dup(), state.dup(), 1.0, 1, null, null, null, null);
        long arrays = params.length() * params.dataType().width() + state.length() * state.dataType().width();
        List<Phase> out = new ArrayList<>();
        for (Class<? extends KryoRegistrator> registrator : List.of(Nd4jArraysRegistrator.class, AngleKryoRegistrator.class)) {
            String label = registrator == AngleKryoRegistrator.class ? "bulk (ours)" : "ND4J's (before)";
            SparkConf conf = new SparkConf().set("spark.serializer", KryoSerializer.class.getName())
                    .set("spark.kryo.registrator", registrator.getName()).set("spark.kryoserializer.buffer.max", "2047m");
            SerializerInstance ser = new KryoSerializer(conf).newInstance();
            CompressionCodec codec = CompressionCodec$.MODULE$.createCodec(conf);

            byte[] compressed = timed(out, model, label, "driver: serialise + compress the broadcast (lz4)", arrays,
                    () -> write(ser, broadcast, codec));
            byte[] plain = timed(out, model, label, "driver: serialise the broadcast (spark.broadcast.compress=false)", arrays,
                    () -> write(ser, broadcast, null));
            time(out, model, label, "worker: decompress + deserialise the broadcast (cluster only)", arrays, compressed.length,
                    () -> read(ser, compressed, codec));
            time(out, model, label, "worker: deserialise the broadcast, not compressed (cluster only)", arrays, plain.length,
                    () -> read(ser, plain, null));
            System.gc();
            time(out, model, label, "worker: network from the broadcast (config clone, init, copies)", arrays, 0, () -> networkFrom(broadcast));
            time(out, model, label, "(baseline) allocate and first-touch arrays of that size, off-heap", arrays, 0, () -> {
                Nd4j.createUninitialized(params.dataType(), params.shape(), 'c').assign(0);
                Nd4j.createUninitialized(state.dataType(), state.shape(), 'c').assign(0);
                Nd4j.getExecutioner().commit();
                return null;
            });
            byte[] task = timed(out, model, label, "worker: serialise its task result", arrays, () -> {
                ByteBuffer b = ser.serialize(result, ClassTag$.MODULE$.apply(Object.class));
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return bytes;
            });
            time(out, model, label, "driver: deserialise a task result", arrays, task.length,
                    () -> ser.deserialize(ByteBuffer.wrap(task), ClassTag$.MODULE$.apply(Object.class)));
            System.gc();
            if (registrator == AngleKryoRegistrator.class) {
                // as the train job runs a round now: the worker's network kept from the last round, results read into the
                // arrays of the last round's (recycled once summed)
                ComputationGraph kept = networkFrom(broadcast);
                time(out, model, label, "worker: network from the broadcast, kept from the last round (copies only)", arrays, 0,
                        () -> ReusingTrainingWorker.networkFrom(broadcast, kept));
                ParameterAveragingAggregationTuple[] last = {null};
                time(out, model, label, "driver: deserialise a task result into the last round's arrays (recycled)", arrays, task.length, () -> {
                    if (last[0] != null) {
                        RecycledArrays.recycle(last[0].getParametersSum());
                        RecycledArrays.recycle(last[0].getUpdaterStateSum());
                    }
                    long t0 = System.nanoTime();
                    last[0] = (ParameterAveragingAggregationTuple) ser.deserialize(ByteBuffer.wrap(task), ClassTag$.MODULE$.apply(Object.class));
                    return System.nanoTime() - t0;
                });
                RecycledArrays.clear();
                System.gc();
            }
        }
        // the sum does not depend on the serializer: combine two workers' results, divide, apply to the driver's graph
        time(out, model, "-", "driver: sum 2 results, divide, set parameters and state", arrays, 0, () -> {
            ParameterAveragingAggregationTuple a = new ParameterAveragingAggregationTuple(params.dup(), state.dup(), 1, 1, null, null, null, null);
            ParameterAveragingAggregationTuple b = new ParameterAveragingAggregationTuple(params.dup(), state.dup(), 1, 1, null, null, null, null);
            long t0 = System.nanoTime();
            ParameterAveragingAggregationTuple sum = new ParameterAveragingElementCombineFunction().call(a, b);
            sum.getParametersSum().divi(sum.getAggregationsCount());
            sum.getUpdaterStateSum().divi(sum.getAggregationsCount());
            graph.setParams(sum.getParametersSum());
            graph.getUpdater().setStateViewArray(sum.getUpdaterStateSum());
            Nd4j.getExecutioner().commit();
            return System.nanoTime() - t0; // the copies made above are not the phase's
        });
        return out;
    }

    private static ComputationGraph networkFrom(NetBroadcastTuple tuple) {
        ComputationGraph net = new ComputationGraph(tuple.getGraphConfiguration().clone());
        net.init(tuple.getParameters().unsafeDuplication(), false);
        net.setUpdater(new ComputationGraphUpdater(net, tuple.getUpdaterState().unsafeDuplication()));
        Nd4j.getExecutioner().commit();
        return net;
    }

    /** Serialised into 4 MB chunks, as TorrentBroadcast's ChunkedByteBufferOutputStream does (no growing copies). */
    private static byte[] write(SerializerInstance ser, Object value, CompressionCodec codec) throws Exception {
        Chunks chunks = new Chunks();
        OutputStream os = codec == null ? chunks : codec.compressedOutputStream(chunks);
        SerializationStream s = ser.serializeStream(os);
        s.writeObject(value, ClassTag$.MODULE$.apply(Object.class));
        s.close();
        return chunks.toByteArray();
    }

    /** An output stream into 4 MB chunks. */
    private static final class Chunks extends OutputStream {
        private static final int SIZE = 4 << 20;
        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[SIZE];
        private int pos;

        @Override
        public void write(int b) {
            if (pos == SIZE) {
                full.add(current);
                current = new byte[SIZE];
                pos = 0;
            }
            current[pos++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (pos == SIZE) {
                    full.add(current);
                    current = new byte[SIZE];
                    pos = 0;
                }
                int n = Math.min(len, SIZE - pos);
                System.arraycopy(b, off, current, pos, n);
                pos += n;
                off += n;
                len -= n;
            }
        }

        /** One array of everything written (outside the timed write: a worker reads the chunks as one stream). */
        byte[] toByteArray() {
            ByteArrayOutputStream all = new ByteArrayOutputStream(full.size() * SIZE + pos);
            full.forEach(c -> all.write(c, 0, c.length));
            all.write(current, 0, pos);
            return all.toByteArray();
        }
    }

    private static Object read(SerializerInstance ser, byte[] bytes, CompressionCodec codec) throws Exception {
        InputStream is = codec == null ? new ByteArrayInputStream(bytes) : codec.compressedInputStream(new ByteArrayInputStream(bytes));
        DeserializationStream s = ser.deserializeStream(is);
        Object o = s.readObject(ClassTag$.MODULE$.apply(Object.class));
        s.close();
        return o;
    }

    interface Work<T> {
        T run() throws Exception;
    }

    /** Times {@code work} over {@code bytes} of arrays (best of the repeats); returns what it wrote. */
    private static byte[] timed(List<Phase> out, String model, String serializer, String name, long bytes, Work<byte[]> work) throws Exception {
        byte[] last = null;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            last = work.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        add(out, model, serializer, name, bytes, last.length, best);
        return last;
    }

    /** Times {@code work} over {@code bytes} (best of the repeats); a Long it returns is its own time in ns. */
    private static void time(List<Phase> out, String model, String serializer, String name, long bytes, long wire, Work<?> work)
            throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            Object r = work.run();
            double s = r instanceof Long ns ? ns / 1e9 : (System.nanoTime() - t0) / 1e9;
            best = Math.min(best, s);
        }
        add(out, model, serializer, name, bytes, wire, best);
    }

    private static void add(List<Phase> out, String model, String serializer, String name, long bytes, long wire, double seconds) {
        Phase p = new Phase(model, serializer, name, bytes, wire, seconds, COPY_SECONDS.computeIfAbsent(bytes, AveragingRoundBenchmark::copySeconds));
        System.out.printf(Locale.ROOT, "%s | %s | %s: %.1f MB of arrays (%.1f MB serialised) in %.3f s = %.0f MB/s (a plain copy: %.0f MB/s)%n",
                model, serializer, name, bytes / 1e6, wire / 1e6, seconds, p.mbPerSecond(), bytes / p.copySeconds() / 1e6);
        out.add(p);
    }

    /** A plain copy's time per byte count: measured once per model, not once per phase (each needs two arrays of that size). */
    private static final java.util.Map<Long, Double> COPY_SECONDS = new java.util.HashMap<>();

    /** The best of the repeats of one {@code System.arraycopy} of {@code bytes} bytes (heap to heap). */
    static double copySeconds(long bytes) {
        int n = (int) Math.min(bytes, Integer.MAX_VALUE - 16);
        byte[] from = new byte[n];
        byte[] to = new byte[n];
        java.util.Arrays.fill(from, (byte) 1);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < REPEATS; i++) {
            long t0 = System.nanoTime();
            System.arraycopy(from, 0, to, 0, n);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best * bytes / n;
    }

    static String report(String command, List<Phase> phases) {
        StringBuilder b = new StringBuilder("# One parameter-averaging round, phase by phase\n\n");
        b.append("- date: ").append(Instant.now()).append('\n');
        b.append("- machine: ").append(Machine.describe()).append('\n');
        b.append("- command: `").append(command).append("`\n");
        b.append("- each phase timed alone in one JVM on the objects DL4J 1.0.0-M2's round moves (the model's training graph with "
                + "Adam: parameters and updater state), best of ").append(REPEATS).append("; Spark's Kryo serializer with the project's "
                + "registrator, once with ND4J's own array serializer (element by element, as before) and once with ours (bulk); "
                + "MB/s = the arrays' bytes (parameters and updater state) / the phase's time; serialised MB = what the phase writes "
                + "or reads; a plain copy = one System.arraycopy of the arrays' bytes\n");
        b.append("- the updater state is filled with random values: a fresh Adam state is all zeros (it compresses 3x), trained "
                + "moments are dense floats that lz4 cannot shrink\n");
        b.append("- in local mode the train job publishes the round's network in memory (no broadcast, nothing serialised); task "
                + "results are serialised and read back in local mode too\n");
        b.append("- kept from the last round / the last round's arrays: the train job's phases in every round after its first "
                + "(ReusingTrainingWorker, RecycledArrays)\n");
        b.append("- beside it: ").append(System.getProperty("bench.beside", "nothing else (a quiet machine)")).append("\n\n");
        b.append("| model | array serializer | phase | arrays MB | serialised MB | s | MB/s | plain copy MB/s |\n|---|---|---|---|---|---|---|---|\n");
        for (Phase p : phases) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %s | %.3f | %.0f | %.0f |%n", p.model(), p.serializer(), p.name(),
                    p.bytes() / 1e6, p.wireBytes() == 0 ? "" : String.format(Locale.ROOT, "%.1f", p.wireBytes() / 1e6), p.seconds(),
                    p.mbPerSecond(), p.bytes() / p.copySeconds() / 1e6));
        }
        return b.toString();
    }
}
