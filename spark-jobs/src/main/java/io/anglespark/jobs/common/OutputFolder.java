package io.anglespark.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A job's output folder, made so that no run can destroy what it should not. The one helper every job uses.
 *
 * <ol>
 *   <li><b>Never over an input.</b> An output that equals, contains or lies inside any path the job reads (its inputs,
 *       its models, the data root) is refused before anything is touched, naming the config key of that path. Paths
 *       are compared fully qualified (scheme, authority, absolute path; on the local file system with symbolic links
 *       resolved); a glob is compared by its folder before the first wildcard.</li>
 *   <li><b>Overwrite only our own.</b> An existing output is refused unless overwriting was asked for, and even then
 *       it is replaced only when it is an empty folder or a folder a job of this project wrote: its
 *       {@value RunManifest#FILE_NAME} says {@code "producer": "angle-spark"} (or has the shape of one written before
 *       that field existed). A job that is still running or was killed has written one already
 *       ({@link RunManifest#writeStarted}).</li>
 *   <li><b>A failed run leaves the previous output whole.</b> {@link #staged} jobs write into a hidden sibling
 *       ({@code .<name>.staging-<id>}) that {@link #commit} swaps in at the end; {@link #abort} deletes it. Resumable
 *       jobs (training checkpoints, the incremental embed output) write {@link #inPlace}: when they replace an output
 *       it is first renamed to a hidden sibling ({@code .<name>.replaced-<id>}), restored by {@link #abort} and
 *       deleted by {@link #commit}; if the process is killed it stays there, and the log says so.</li>
 * </ol>
 * Hadoop file systems have no atomic swap of two folders: a commit over an existing output renames it aside, renames
 * the new one in and then deletes the old, so an interruption between the two renames leaves both as hidden siblings
 * and no output (never a half-written one).
 */
public final class OutputFolder {
    private static final Logger LOG = LoggerFactory.getLogger(OutputFolder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The jobs' names as {@link RunManifest} writes them, for manifests from before the {@code producer} field. */
    private static final Set<String> LEGACY_JOBS = Set.of("prepare", "issue-pairs", "train", "evaluate", "embed", "export");
    /** Characters that start a glob in a Hadoop path. */
    private static final String GLOB = "*?[{\\";

    private final FileSystem fs;
    private final Path target;
    private final Path work;
    private final Path replaced;
    private final String id;
    private boolean finished;

    private OutputFolder(FileSystem fs, Path target, Path work, Path replaced, String id) {
        this.fs = fs;
        this.target = target;
        this.work = work;
        this.replaced = replaced;
        this.id = id;
    }

    /**
     * An output written in a hidden sibling and swapped in by {@link #commit}.
     *
     * @param reads every path the job reads, by the config key that names it (a registered model name is no path: leave
     *              it out); null values are skipped
     */
    public static OutputFolder staged(String output, boolean overwrite, String overwriteKey, Map<String, String> reads, Configuration conf)
            throws IOException {
        Checked c = check(output, overwrite, false, overwriteKey, reads, conf);
        Path work = new Path(c.target.getParent(), "." + c.target.getName() + ".staging-" + c.id);
        warnAboutLeftovers(c.fs, c.target);
        return new OutputFolder(c.fs, c.target, work, null, c.id);
    }

    /**
     * An output written where it is, for jobs that continue an existing output ({@code continueExisting}: training's
     * resume, the incremental embed job). With {@code overwrite}, an existing output is renamed aside now and an empty
     * folder made in its place.
     */
    public static OutputFolder inPlace(String output, boolean overwrite, boolean continueExisting, String overwriteKey,
                                       Map<String, String> reads, Configuration conf) throws IOException {
        Checked c = check(output, overwrite, continueExisting, overwriteKey, reads, conf);
        warnAboutLeftovers(c.fs, c.target);
        Path replaced = null;
        if (overwrite && c.fs.exists(c.target)) {
            replaced = new Path(c.target.getParent(), "." + c.target.getName() + ".replaced-" + c.id);
            if (!c.fs.rename(c.target, replaced)) {
                throw new IOException("could not move the previous output " + c.target + " aside to " + replaced);
            }
            LOG.info("previous output {} moved to {}: restored if this run fails, deleted when it succeeds", c.target, replaced);
        }
        c.fs.mkdirs(c.target);
        return new OutputFolder(c.fs, c.target, c.target, replaced, c.id);
    }

    /** Where the job writes now: the staging sibling, or the output itself. */
    public String path() {
        return work.toString();
    }

    /** The output as the user named it, qualified. */
    public String target() {
        return target.toString();
    }

    /** Makes the written output the output; the previous one, if any, is deleted. Call once, after the last write. */
    public void commit() throws IOException {
        finish();
        if (work.equals(target)) {
            if (replaced != null) {
                fs.delete(replaced, true);
            }
            return;
        }
        Path aside = null;
        if (fs.exists(target)) {
            aside = new Path(target.getParent(), "." + target.getName() + ".replaced-" + id);
            if (!fs.rename(target, aside)) {
                throw new IOException("could not move the previous output " + target + " aside to " + aside + "; the new one is in " + work);
            }
        }
        if (!fs.rename(work, target)) {
            if (aside != null && !fs.exists(target)) {
                fs.rename(aside, target);
            }
            throw new IOException("could not move the new output " + work + " to " + target);
        }
        if (aside != null) {
            fs.delete(aside, true);
        }
    }

    /**
     * Undoes this run after a failure: a staged output is deleted; an in-place output that replaced a previous one is
     * deleted and the previous one put back. An in-place output that replaced nothing is left as it is (it is
     * resumable). Never throws: a failure to clean up is logged, and the caller rethrows the run's own failure.
     */
    public void abort(Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (!work.equals(target)) {
                fs.delete(work, true);
            } else if (replaced != null) {
                fs.delete(target, true);
                if (!fs.rename(replaced, target)) {
                    LOG.error("the run failed and the previous output could not be moved back from {} to {}", replaced, target);
                }
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
            LOG.error("the run failed ({}); cleaning up {} failed too: {}", cause.getMessage(), work, e.toString());
        }
    }

    /** The job's writing step: its result, committed when it returns; aborted (and rethrown) when it throws. */
    public <R> R produce(Body<R> body) throws IOException {
        try {
            R result = body.writeTo(path());
            commit();
            return result;
        } catch (IOException | RuntimeException | Error e) {
            abort(e);
            throw e;
        }
    }

    /** What a job writes into the folder {@link #path()} names. */
    @FunctionalInterface
    public interface Body<R> {
        R writeTo(String folder) throws IOException;
    }

    private void finish() {
        if (finished) {
            throw new IllegalStateException("output " + target + " was already committed or aborted");
        }
        finished = true;
    }

    // ---- the checks, before anything is touched

    private record Checked(FileSystem fs, Path target, String id) {
    }

    private static Checked check(String output, boolean overwrite, boolean continueExisting, String overwriteKey, Map<String, String> reads,
                                 Configuration conf) throws IOException {
        Path raw = new Path(output);
        FileSystem fs = HadoopFs.fileSystem(raw, conf);
        Path target = fs.makeQualified(raw);
        if (target.getParent() == null) {
            throw new OutputOverlapsInputException("output " + output + " is the root of its file system; choose a folder");
        }
        URI out = canonical(target);
        for (Map.Entry<String, String> e : reads.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            Path in = new Path(beforeGlob(e.getValue()));
            URI read = canonical(HadoopFs.fileSystem(in, conf).makeQualified(in));
            String relation = relation(out, read);
            if (relation != null) {
                throw new OutputOverlapsInputException("output " + output + " " + relation + " " + e.getKey() + " = " + e.getValue()
                        + ": a job never writes over what it reads; choose another output");
            }
        }
        if (fs.exists(target) && !continueExisting) {
            if (!overwrite) {
                throw new HadoopFs.OutputExistsException("output " + output + " already exists; pass --overwrite (or " + overwriteKey
                        + " = true) to replace it");
            }
            String why = whyNotReplaceable(fs, target);
            if (why != null) {
                throw new HadoopFs.OutputExistsException("output " + output + " " + why + "; --overwrite replaces only an empty folder or "
                        + "one that a job of angle-spark wrote (its " + RunManifest.FILE_NAME + " says so): choose another output or "
                        + "remove it yourself");
            }
        }
        return new Checked(fs, target, UUID.randomUUID().toString().substring(0, 8));
    }

    /** Null when {@code dir} may be replaced, else why not. */
    static String whyNotReplaceable(FileSystem fs, Path dir) throws IOException {
        FileStatus st = fs.getFileStatus(dir);
        if (!st.isDirectory()) {
            return "is a file, not a folder";
        }
        FileStatus[] children = fs.listStatus(dir);
        if (children.length == 0) {
            return null;
        }
        Path manifest = new Path(dir, RunManifest.FILE_NAME);
        if (!fs.exists(manifest)) {
            return "is not empty and holds no " + RunManifest.FILE_NAME;
        }
        JsonNode m;
        try (InputStream in = fs.open(manifest)) {
            m = JSON.readTree(in.readNBytes(16 << 20));
        } catch (IOException e) {
            return "holds a " + RunManifest.FILE_NAME + " that is not JSON";
        }
        if (m == null || !m.isObject()) {
            return "holds a " + RunManifest.FILE_NAME + " that is not a JSON object";
        }
        if (RunManifest.PRODUCER.equals(m.path("producer").asText(null))) {
            return null;
        }
        boolean legacy = !m.has("producer") && LEGACY_JOBS.contains(m.path("job").asText("")) && m.has("git_revision") && m.has("spark_version");
        return legacy ? null : "holds a " + RunManifest.FILE_NAME + " that another program wrote";
    }

    /** How the output relates to a path the job reads, or null when they are apart. */
    static String relation(URI out, URI read) {
        if (!sameFileSystem(out, read)) {
            return null;
        }
        String o = withSlash(out.getPath());
        String r = withSlash(read.getPath());
        if (o.equals(r)) {
            return "is";
        }
        if (r.startsWith(o)) {
            return "contains";
        }
        if (o.startsWith(r)) {
            return "lies inside";
        }
        return null;
    }

    private static boolean sameFileSystem(URI a, URI b) {
        return eq(a.getScheme(), b.getScheme()) && eq(a.getAuthority(), b.getAuthority());
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

    private static String withSlash(String p) {
        return p.endsWith("/") ? p : p + "/";
    }

    /** The path up to (not including) its first component with a glob character. */
    static String beforeGlob(String path) {
        int first = -1;
        for (int i = 0; i < path.length(); i++) {
            if (GLOB.indexOf(path.charAt(i)) >= 0) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return path;
        }
        int slash = path.lastIndexOf('/', first);
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /**
     * A qualified path as a URI; on the local file system with symbolic links resolved (through its longest existing
     * ancestor), so that a link to an input is the input.
     */
    static URI canonical(Path qualified) throws IOException {
        URI u = qualified.toUri();
        if (!"file".equals(u.getScheme())) {
            return u;
        }
        java.nio.file.Path p = java.nio.file.Path.of(u.getPath()).normalize();
        List<String> tail = new ArrayList<>();
        java.nio.file.Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            tail.add(0, existing.getFileName().toString());
            existing = existing.getParent();
        }
        java.nio.file.Path real;
        try {
            real = existing == null ? p.getRoot() : existing.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            real = existing; // a dangling link: compare it as written
        }
        for (String t : tail) {
            real = real.resolve(t);
        }
        return real.toUri();
    }

    private static void warnAboutLeftovers(FileSystem fs, Path target) throws IOException {
        FileStatus[] left = fs.globStatus(new Path(target.getParent(), "." + target.getName() + ".{staging,replaced}-*"));
        if (left != null && left.length > 0) {
            List<String> names = new ArrayList<>();
            for (FileStatus s : left) {
                names.add(s.getPath().getName());
            }
            LOG.warn("{} holds what interrupted runs of this output left: {} (the previous outputs are the .replaced- ones; delete "
                    + "what you do not need)", target.getParent(), names);
        }
    }

    /** The output equals, contains or lies inside a path the job reads. A user error. */
    public static final class OutputOverlapsInputException extends IllegalArgumentException {
        public OutputOverlapsInputException(String message) {
            super(message);
        }
    }
}
