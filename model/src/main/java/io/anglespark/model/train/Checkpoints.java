package io.anglespark.model.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.NdArrayReader;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A run's checkpoints in its {@link RunFolder}, the one format of every fitter: {@code checkpoints/step-<9 digits>/}
 * holding {@value #MODEL} (an {@link EncoderArtifact} of the training graph's weights), {@value #UPDATER} (Adam's
 * state, ND4J binary) and {@value #STATE} ({@link TrainingState}). A checkpoint is written into a hidden temporary
 * folder and renamed into place, so a folder named {@code step-*} is complete; a process that dies while writing
 * leaves only a {@code .tmp-*} folder, which {@link #newest} ignores. The newest {@code keep} are kept.
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    public static final String MODEL = "model.zip";
    public static final String UPDATER = "updater.bin";
    public static final String STATE = "state.json";
    private static final String PREFIX = "step-";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final RunFolder folder;

    public Checkpoints(RunFolder folder) {
        this.folder = folder;
    }

    /** The newest complete checkpoint's folder name (relative to the run folder), if any. */
    public Optional<String> newest() throws IOException {
        List<String> all = complete();
        return all.isEmpty() ? Optional.empty() : Optional.of(DIR + "/" + all.get(all.size() - 1));
    }

    private List<String> complete() throws IOException {
        List<String> out = new ArrayList<>();
        for (String name : folder.list(DIR)) {
            if (name.startsWith(PREFIX) && folder.exists(DIR + "/" + name + "/" + STATE)) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    /** Writes a checkpoint of {@code encoder}'s weights, {@code graph}'s updater state and {@code state}; returns its folder name. */
    public String write(Encoder encoder, ComputationGraph graph, TrainingState state, int keep) throws IOException {
        String name = String.format(Locale.ROOT, PREFIX + "%09d", state.step);
        String target = DIR + "/" + name;
        String tmp = DIR + "/.tmp-" + name + "-" + UUID.randomUUID();
        try (OutputStream out = new BufferedOutputStream(folder.create(tmp + "/" + MODEL), 1 << 20)) {
            EncoderArtifact.save(encoder, out);
        }
        INDArray updater = graph.getUpdater(true).getStateViewArray();
        try (DataOutputStream d = new DataOutputStream(new BufferedOutputStream(folder.create(tmp + "/" + UPDATER), 1 << 20))) {
            Nd4j.write(updater == null ? Nd4j.empty(DataType.FLOAT) : updater, d);
        }
        try (OutputStream out = folder.create(tmp + "/" + STATE)) {
            out.write(JSON.writeValueAsBytes(state));
        }
        folder.delete(target);
        folder.rename(tmp, target);
        List<String> all = complete();
        for (int i = 0; i < all.size() - keep; i++) {
            folder.delete(DIR + "/" + all.get(i));
        }
        return target;
    }

    public TrainingState readState(String checkpoint) throws IOException {
        try (InputStream in = folder.open(checkpoint + "/" + STATE)) {
            return JSON.readValue(in, TrainingState.class);
        }
    }

    public Encoder readModel(String checkpoint) throws IOException {
        String file = checkpoint + "/" + MODEL;
        try (InputStream in = open(file)) {
            return EncoderArtifact.load(in, where(file));
        }
    }

    /**
     * The training graph at a checkpoint: built from the run's own configuration ({@link TrainingGraph}; DL4J's stored
     * configuration is not used), with the checkpoint's weights, Adam's state (its length checked against the graph's
     * before anything is read) and the step and epoch counts of {@code state}.
     */
    public ComputationGraph restore(String checkpoint, TrainConfig config, int totalSteps, TrainingState state) throws IOException {
        ComputationGraph g = TrainingGraph.build(config, ModelSpec.fromEncoder(readModel(checkpoint)), totalSteps);
        INDArray view = g.getUpdater(true).getStateViewArray();
        if (view == null) {
            throw new IllegalStateException("the training graph has no updater state to restore");
        }
        String file = checkpoint + "/" + UPDATER;
        try (InputStream in = open(file)) {
            g.getUpdater(true).setStateViewArray(NdArrayReader.readVector(in, view.length(), view.dataType(), where(file), "the updater state"));
        }
        g.getConfiguration().setIterationCount(state.step);
        g.getConfiguration().setEpochCount(state.epoch);
        return g;
    }

    private InputStream open(String file) throws IOException {
        if (!folder.exists(file)) {
            throw new ModelFileException(where(file), "does not exist (the checkpoint is incomplete)");
        }
        return folder.open(file);
    }

    private String where(String file) {
        return folder.describe() + "/" + file;
    }
}
