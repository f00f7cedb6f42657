package io.anglespark.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.HadoopRunFolder;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.train.TrainJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model registry on any Hadoop path: one folder per model name, one folder per version, and an append-only log of
 * promotions whose newest entry is the current version.
 *
 * <pre>
 * REGISTRY/NAME/
 *   v1/ v2/ ...          a version: prepared/ (its data), train/ (model.zip, metrics, curves), evaluation/ (report, gate.json),
 *                        export/ (Hugging Face layout, promoted versions), _run.json (lineage, scores, decision) written last
 *   promotions/000001.json ...   {version, model, model_id, previous, at}: the newest is current
 * </pre>
 *
 * A version's {@code _run.json} is written after everything else in it, so a version without one is incomplete (a run
 * that failed or was killed) and can never be promoted. A promotion is a new file: written whole under a temporary name
 * and renamed to the next number, so a reader sees the previous current until the rename, and a process killed at any
 * point leaves either the old current or the new one, never a half-written pointer. Nothing is ever overwritten; a
 * rollback is a new promotion of an older version. One retraining process per model name at a time: versions are
 * claimed exclusively where the file system supports it (HDFS), promotions are not arbitrated.
 */
public final class ModelRegistry {
    public static final String PROMOTIONS = "promotions";
    /** The model of a version, relative to its folder. */
    public static final String MODEL = "train/" + TrainJob.MODEL;
    private static final String CLAIM = "_claimed";
    private static final Pattern VERSION = Pattern.compile("v([1-9][0-9]{0,8})");
    private static final Pattern PROMOTION = Pattern.compile("([0-9]{6,9})\\.json");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String folder;
    private final String name;
    private final FileSystem fs;
    private final Configuration hadoop;

    private ModelRegistry(String folder, String name, FileSystem fs, Configuration hadoop) {
        this.folder = folder;
        this.name = name;
        this.fs = fs;
        this.hadoop = hadoop;
    }

    /** The registry's folder for {@code name} under {@code root} (created on the first claim). */
    public static ModelRegistry open(String root, String name, Configuration hadoop) throws IOException {
        String folder = new Path(new Path(root), name).toString();
        return new ModelRegistry(folder, name, HadoopFs.fileSystem(new Path(folder), hadoop), hadoop);
    }

    public String folder() {
        return folder;
    }

    public String name() {
        return name;
    }

    /** A version's folder. */
    public record Version(int number, String path) {
        public String label() {
            return "v" + number;
        }

        /** A file or folder in this version. */
        public String at(String relative) {
            return path + "/" + relative;
        }

        public String model() {
            return at(MODEL);
        }
    }

    /**
     * One promotion: {@code version} became current.
     *
     * @param previous the version that was current before (null: none)
     */
    public record Promotion(int sequence, int version, String model, String modelId, Integer previous, String at) {
    }

    /** A version as the registry sees it: complete or not, what its run decided, whether it is or was current. */
    public record VersionStatus(Version version, String status, String decision, List<String> reasons) {
    }

    public Version version(int number) {
        return new Version(number, folder + "/v" + number);
    }

    /** The current version's promotion: the newest promotion that parses (empty before the first promotion). */
    public Optional<Promotion> current() throws IOException {
        List<Promotion> all = promotions();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Every promotion, oldest first. */
    public List<Promotion> promotions() throws IOException {
        List<Promotion> out = new ArrayList<>();
        for (FileStatus st : list(new Path(folder, PROMOTIONS))) {
            Matcher m = PROMOTION.matcher(st.getPath().getName());
            if (!st.isFile() || !m.matches()) {
                continue; // a temporary file of a promotion being written, or something of the user's
            }
            JsonNode n;
            try {
                n = JSON.readTree(read(st.getPath()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException("registry " + folder + ": promotion " + st.getPath() + " is not valid JSON (" + e.getOriginalMessage()
                        + "); promotions are written whole, so it was changed by hand", e);
            }
            out.add(new Promotion(Integer.parseInt(m.group(1)), n.path("version").asInt(), n.path("model").asText(), n.path("model_id").asText(),
                    n.hasNonNull("previous") ? n.get("previous").asInt() : null, n.path("at").asText()));
        }
        out.sort(Comparator.comparingInt(Promotion::sequence));
        return out;
    }

    /** The version numbers that have a folder, ascending. */
    public List<Integer> versionNumbers() throws IOException {
        List<Integer> out = new ArrayList<>();
        for (FileStatus st : list(new Path(folder))) {
            Matcher m = VERSION.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Claims the next version number: creates its folder with a claim file that only one process can create (on
     * file systems whose create-if-absent is atomic, as HDFS's is). A number left by a failed or killed run is never
     * reused.
     */
    public Version claimNext() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<Integer> numbers = versionNumbers();
            Version v = version(numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1);
            Path claim = new Path(v.path(), CLAIM);
            try (var out = fs.create(claim, false)) {
                out.write(("claimed " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8));
                return v;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                // another process claimed it first: take the next one
            }
        }
        throw new IOException("registry " + folder + ": could not claim a new version after 100 attempts");
    }

    /** The version's _run.json, or null while it is incomplete. */
    public JsonNode record(Version v) throws IOException {
        Path p = new Path(v.path(), RunManifest.FILE_NAME);
        return fs.exists(p) ? JSON.readTree(read(p)) : null;
    }

    /**
     * Makes {@code v} current. Refused unless its run is complete ({@code _run.json}), decided to promote, and its model
     * exists.
     */
    public Promotion promote(Version v, String modelId) throws IOException {
        JsonNode rec = record(v);
        if (rec == null) {
            throw new IllegalStateException("registry " + folder + ": " + v.label() + " is incomplete (no " + RunManifest.FILE_NAME
                    + "): a version is promoted only once its run has written everything");
        }
        if (!"promote".equals(rec.path("decision").asText())) {
            throw new IllegalStateException("registry " + folder + ": " + v.label() + " was not accepted by its gate (decision "
                    + rec.path("decision").asText("none") + "); it stays a rejected version");
        }
        if (!fs.exists(new Path(v.model()))) {
            throw new IllegalStateException("registry " + folder + ": " + v.label() + " has no model at " + v.model());
        }
        List<Promotion> all = promotions();
        Promotion before = all.isEmpty() ? null : all.get(all.size() - 1);
        Promotion p = new Promotion(before == null ? 1 : before.sequence() + 1, v.number(), v.model(), modelId,
                before == null ? null : before.version(), Instant.now().toString());
        ObjectNode n = JSON.createObjectNode();
        n.put("version", p.version());
        n.put("model", p.model());
        n.put("model_id", p.modelId());
        if (p.previous() == null) {
            n.putNull("previous");
        } else {
            n.put("previous", p.previous());
        }
        n.put("at", p.at());
        byte[] bytes = JSON.writeValueAsBytes(n);
        String target = PROMOTIONS + "/" + String.format("%06d.json", p.sequence());
        HadoopRunFolder dir = new HadoopRunFolder(folder, hadoop);
        if (dir.exists(target)) {
            throw new IllegalStateException("registry " + folder + ": promotion " + target + " appeared meanwhile: another process is "
                    + "promoting " + name + "; run one retraining per model name at a time");
        }
        String tmp = PROMOTIONS + "/." + p.sequence() + ".tmp-" + java.util.UUID.randomUUID();
        try (var out = dir.create(tmp)) {
            out.write(bytes);
        }
        dir.rename(tmp, target); // the one step that changes what is current
        return p;
    }

    /** Every version with its status: current, promoted earlier, rejected, passed but not promoted, or incomplete. */
    public List<VersionStatus> versions() throws IOException {
        List<Promotion> promotions = promotions();
        Integer current = promotions.isEmpty() ? null : promotions.get(promotions.size() - 1).version();
        List<VersionStatus> out = new ArrayList<>();
        for (int n : versionNumbers()) {
            Version v = version(n);
            JsonNode rec = record(v);
            String decision = rec == null ? null : rec.path("decision").asText(null);
            List<String> reasons = new ArrayList<>();
            if (rec != null) {
                rec.path("reasons").forEach(r -> reasons.add(r.asText()));
            }
            String status;
            if (current != null && current == n) {
                status = "current";
            } else if (promotions.stream().anyMatch(p -> p.version() == n)) {
                status = "promoted earlier";
            } else if (rec == null) {
                status = "incomplete";
            } else if ("promote".equals(decision)) {
                status = "not promoted (its run stopped before the promotion)";
            } else {
                status = "rejected";
            }
            out.add(new VersionStatus(v, status, decision, reasons));
        }
        return out;
    }

    private List<FileStatus> list(Path dir) throws IOException {
        try {
            return List.of(fs.listStatus(dir));
        } catch (FileNotFoundException e) {
            return List.of();
        }
    }

    private byte[] read(Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return in.readNBytes(1 << 20);
        }
    }

    @Override
    public String toString() {
        return folder;
    }
}
