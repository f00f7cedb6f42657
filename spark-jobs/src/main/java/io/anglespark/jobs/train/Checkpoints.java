package io.anglespark.jobs.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.train.LocalTrainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The training job's checkpoints under {@code <output>/checkpoints} (any Hadoop path). One folder per checkpoint,
 * {@code step-<9 digits>}, holding {@value #MODEL} (an {@link EncoderArtifact} of the training graph: its parameters
 * are the encoder's, the loss layer has none), {@value #UPDATER} (the averaged Adam state, ND4J binary) and
 * {@value #STATE} ({@link State}: step, data position, dev history). A checkpoint is written into a hidden
 * temporary folder and renamed into place, so a folder named {@code step-*} is complete; a run that dies while
 * writing leaves only a {@code .tmp-*} folder, which {@link #newest} ignores. The newest {@code keep} are kept.
 * The same three entries as {@link io.anglespark.model.train.LocalTrainer}'s latest checkpoint.
 */
final class Checkpoints {
    static final String DIR = "checkpoints";
    static final String MODEL = "model.zip";
    static final String UPDATER = "updater.bin";
    static final String STATE = "state.json";
    private static final String PREFIX = "step-";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

    private final Path root;
    private final Configuration conf;

    Checkpoints(String output, Configuration conf) {
        this.root = new Path(output, DIR);
        this.conf = conf;
    }

    /** One dev evaluation: after {@code epoch} whole epochs ({@code 0}: the start), at {@code step}. */
    record Evaluation(int epoch, int step, double spearman, Double meanLoss) {
    }

    /** What a checkpoint records besides the model and the updater; mutable while training. */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
    static final class State {
        /** The settings that must not change across a resume (see TrainJob#identity). */
        String identity;
        /** Parameter updates each worker made so far = the graph's iteration count. */
        int step;
        /** The next round to train: round {@code round} of epoch {@code epoch} (0-based). */
        int epoch;
        int round;
        Double best;
        int bestStep = -1;
        int bestEpoch = -1;
        List<Evaluation> history = new ArrayList<>();
        /** Sum and count of the averaged minibatch loss over the current epoch's rounds so far. */
        double epochLossSum;
        int epochLossRounds;
        /** Examples fitted (over all workers, repeats included) and seconds spent in rounds, over all runs. */
        long examples;
        double trainSeconds;
    }

    /** The newest complete checkpoint's folder, if any. */
    Optional<Path> newest() throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            return Optional.empty();
        }
        return list(fs).stream().max(Comparator.comparing(Path::getName));
    }

    private List<Path> list(FileSystem fs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            if (st.isDirectory() && st.getPath().getName().startsWith(PREFIX) && fs.exists(new Path(st.getPath(), STATE))) {
                out.add(st.getPath());
            }
        }
        return out;
    }

    /** Writes a checkpoint of {@code graph} (parameters, updater state) and {@code state}; returns its folder. */
    Path write(Encoder encoder, ComputationGraph graph, State state, int keep) throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        String name = String.format(Locale.ROOT, PREFIX + "%09d", state.step);
        Path target = new Path(root, name);
        Path tmp = new Path(root, ".tmp-" + name + "-" + UUID.randomUUID());
        fs.mkdirs(tmp);
        try (OutputStream out = new BufferedOutputStream(fs.create(new Path(tmp, MODEL), true))) {
            EncoderArtifact.save(encoder, out);
        }
        INDArray updater = graph.getUpdater(true).getStateViewArray();
        try (FSDataOutputStream out = fs.create(new Path(tmp, UPDATER), true); DataOutputStream d = new DataOutputStream(out)) {
            Nd4j.write(updater == null ? Nd4j.empty(DataType.FLOAT) : updater, d);
        }
        try (FSDataOutputStream out = fs.create(new Path(tmp, STATE), true)) {
            out.write(JSON.writeValueAsBytes(state));
        }
        if (fs.exists(target)) {
            fs.delete(target, true);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not rename checkpoint " + tmp + " to " + target);
        }
        List<Path> all = list(fs);
        all.sort(Comparator.comparing(Path::getName));
        for (int i = 0; i < all.size() - keep; i++) {
            fs.delete(all.get(i), true);
        }
        return target;
    }

    static State readState(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        try (FSDataInputStream in = fs.open(new Path(dir, STATE))) {
            return JSON.readValue((InputStream) in, State.class);
        }
    }

    /** The checkpoint's encoder (its weights; the training graph is built again by the caller). */
    static Encoder readModel(Path dir, Configuration conf) throws IOException {
        Path p = new Path(dir, MODEL);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new ModelFileException(p.toString(), "does not exist: the checkpoint " + dir + " is incomplete");
        }
        try (FSDataInputStream in = fs.open(p)) {
            return EncoderArtifact.load(in, p.toString());
        }
    }

    /**
     * Sets {@code graph}'s updater state from the checkpoint ({@link LocalTrainer#restoreUpdater}: its length is checked
     * against the graph's own state before anything is read).
     */
    static void readUpdater(Path dir, Configuration conf, ComputationGraph graph) throws IOException {
        Path p = new Path(dir, UPDATER);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new ModelFileException(p.toString(), "does not exist: the checkpoint " + dir + " is incomplete");
        }
        try (InputStream in = new BufferedInputStream(fs.open(p))) {
            LocalTrainer.restoreUpdater(graph, in, p.toString());
        }
    }
}
