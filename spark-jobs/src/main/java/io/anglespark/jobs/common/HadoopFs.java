package io.anglespark.jobs.common;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.hadoop.util.VersionInfo;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import scala.Tuple2;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hadoop FileSystem helpers: every input and output is a Hadoop path (file:, hdfs:, s3a:, ...). A path whose file
 * system is not on the class path (s3a: without hadoop-aws) fails with {@link ConnectorMissingException}, one line
 * saying what to add.
 */
public final class HadoopFs {
    /** hadoop-aws must be the build of the Hadoop client Spark runs with. */
    static final String S3A_MISSING = "s3a: paths need hadoop-aws " + VersionInfo.getVersion() + " on the class path: build the job jar with -Ps3a, "
            + "or pass --packages org.apache.hadoop:hadoop-aws:" + VersionInfo.getVersion();

    private HadoopFs() {
    }

    /**
     * The driver's Hadoop configuration before a session exists (to read a {@code --config} file): Hadoop's XML files
     * plus the {@code spark.hadoop.*} properties spark-submit set from {@code --conf}, as the session will have them.
     */
    public static Configuration driverConfiguration() {
        return SparkHadoopUtil.get().newConfiguration(new SparkConf());
    }

    /** The file system of {@code p}; a scheme with no file system on the class path fails with {@link ConnectorMissingException}. */
    public static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        try {
            return p.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            ConnectorMissingException missing = connectorMissing(e);
            if (missing != null) {
                throw missing;
            }
            throw e;
        }
    }

    /**
     * The user error behind {@code e} when it (or a cause) is Hadoop failing to find a file system: the class a
     * {@code fs.SCHEME.impl} key names is missing (hadoop-aws's S3AFileSystem, which core-default.xml names for s3a:),
     * or no file system is registered for the scheme. Null otherwise.
     */
    public static ConnectorMissingException connectorMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectorMissingException c) {
                return c;
            }
            String m = String.valueOf(t.getMessage());
            boolean classMissing = t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError;
            if ((classMissing && m.contains("org.apache.hadoop.fs.s3a.")) || (t instanceof UnsupportedFileSystemException && m.contains("\"s3a\""))) {
                return new ConnectorMissingException(S3A_MISSING, e);
            }
            if (t instanceof UnsupportedFileSystemException) {
                return new ConnectorMissingException(m + ": no Hadoop file system for that scheme is on the class path (add its connector jar "
                        + "to the job jar or pass it with --packages)", e);
            }
        }
        return null;
    }

    /** One input file as listed at the start of a run. */
    public record InputFile(String path, long size, long modified) {
    }

    /**
     * Expands a file, a directory (its non-hidden files, recursively) or a glob into files, checking
     * each is readable. A path that matches nothing fails naming the input and the path.
     */
    public static List<InputFile> listInputFiles(String inputName, String pathOrGlob, Configuration conf) {
        Path p = new Path(pathOrGlob);
        try {
            FileSystem fs = fileSystem(p, conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new InputException("input '" + inputName + "': path " + pathOrGlob + " does not exist");
            }
            List<InputFile> files = new ArrayList<>();
            for (FileStatus st : matches) {
                collect(fs, st, files);
            }
            for (InputFile f : files) {
                try {
                    fs.access(new Path(f.path()), FsAction.READ);
                } catch (IOException e) {
                    throw new InputException("input '" + inputName + "': file " + f.path() + " is not readable: " + e.getMessage(), e);
                }
            }
            files.sort(java.util.Comparator.comparing(InputFile::path));
            return files;
        } catch (FileNotFoundException e) {
            throw new InputException("input '" + inputName + "': path " + pathOrGlob + " does not exist", e);
        } catch (IOException e) {
            throw new InputException("input '" + inputName + "': cannot list " + pathOrGlob + ": " + e.getMessage(), e);
        }
    }

    /** Whether a file or folder name is Hadoop's and Spark's hidden kind ({@code _SUCCESS}, {@code .crc}, {@code _temporary}). */
    public static boolean hidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    /** The data files directly in {@code dir}: plain files that are not {@link #hidden}; empty when it does not exist. */
    public static List<FileStatus> dataFiles(String dir, Configuration hadoop) throws IOException {
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(hadoop);
        List<FileStatus> out = new java.util.ArrayList<>();
        FileStatus[] listed;
        try {
            listed = fs.listStatus(p); // one call, not exists() and then a listing
        } catch (java.io.FileNotFoundException e) {
            return out;
        }
        for (FileStatus st : listed) {
            if (st.isFile() && !hidden(st.getPath().getName())) {
                out.add(st);
            }
        }
        return out;
    }

    private static void collect(FileSystem fs, FileStatus st, List<InputFile> out) throws IOException {
        if (hidden(st.getPath().getName())) {
            return;
        }
        if (st.isDirectory()) {
            for (FileStatus child : fs.listStatus(st.getPath())) {
                collect(fs, child, out);
            }
        } else {
            out.add(new InputFile(st.getPath().toString(), st.getLen(), st.getModificationTime()));
        }
    }

    /**
     * The first line of a (possibly compressed) text file, as {@link #lines} cuts it (up to the first LF, a CR before
     * it dropped), decoded as UTF-8 with a BOM removed; null if the file is empty.
     */
    public static String firstLine(String file, Configuration conf) throws IOException {
        try (InputStream in = new BufferedInputStream(open(file, conf), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            boolean any = false;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
                any = true;
            }
            if (!any && b < 0) {
                return null;
            }
            String s = line.toString(StandardCharsets.UTF_8);
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        }
    }

    /**
     * The lines of a (possibly compressed) text file as raw bytes, in file order, each with its byte offset: records end
     * at LF only. Hadoop's default line reader also ends a line at a lone CR, which would cut a field holding one into
     * fragments and shift every later line number; here a lone CR stays inside its line (the text policy makes it a
     * space), and the CR of a CRLF ending stays at the line's end for the readers to strip.
     */
    public static JavaPairRDD<Long, byte[]> lines(JavaSparkContext sc, String file) {
        JobConf conf = new JobConf(sc.hadoopConfiguration());
        conf.set("textinputformat.record.delimiter", "\n");
        FileInputFormat.setInputPaths(conf, file);
        return sc.hadoopRDD(conf, TextInputFormat.class, LongWritable.class, Text.class)
                .mapToPair(t -> new Tuple2<>(t._1().get(), t._2().copyBytes()));
    }

    /** A path with a scheme or a leading '/' is taken as is; anything else is under {@code root}. */
    public static String resolve(String root, String path) {
        if (path.startsWith("/") || path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            return path;
        }
        return root.endsWith("/") ? root + path : root + "/" + path;
    }

    /** A (possibly compressed) text file as a UTF-8 reader. */
    public static java.io.Reader openReader(String file, Configuration conf) throws IOException {
        return new BufferedReader(new InputStreamReader(open(file, conf), StandardCharsets.UTF_8), 1 << 16);
    }

    static InputStream open(String file, Configuration conf) throws IOException {
        Path p = new Path(file);
        FileSystem fs = fileSystem(p, conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        InputStream in = fs.open(p);
        return codec == null ? in : codec.createInputStream(in);
    }

    public static String readString(String file, Configuration conf) throws IOException {
        try (InputStream in = open(file, conf)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static boolean exists(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return fileSystem(p, conf).exists(p);
    }

    public static void delete(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        fileSystem(p, conf).delete(p, true);
    }

    /** Writes a small file atomically ({@link io.anglespark.model.train.RunFolder#writeAtomically}: a temporary sibling renamed over it). */
    public static void writeStringAtomically(String path, String content, Configuration conf) throws IOException {
        Path target = new Path(path);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        new HadoopRunFolder(target.getParent().toString(), conf).writeAtomically(target.getName(), out -> out.write(bytes));
    }

    /**
     * Deletes the checksum files ({@code .NAME.crc}) Hadoop's local file system writes beside each file under {@code dir},
     * for folders other tools read as they are (an export). Other file systems keep no such files: nothing to do.
     */
    public static void dropChecksumFiles(String dir, Configuration conf) throws IOException {
        Path root = new Path(dir);
        if (!(fileSystem(root, conf) instanceof ChecksumFileSystem checksummed)) {
            return;
        }
        FileSystem raw = checksummed.getRawFileSystem();
        RemoteIterator<LocatedFileStatus> files = raw.listFiles(checksummed.makeQualified(root), true);
        List<Path> crc = new ArrayList<>();
        while (files.hasNext()) {
            Path f = files.next().getPath();
            if (checksummed.isChecksumFile(f)) {
                crc.add(f);
            }
        }
        for (Path f : crc) {
            raw.delete(f, false);
        }
    }

    /** The output folder exists and overwriting was not asked for. */
    public static final class OutputExistsException extends IllegalStateException {
        public OutputExistsException(String message) {
            super(message);
        }
    }

    /** A path's file system is not on the class path (s3a: without hadoop-aws): a user error, one line naming what to add. */
    public static final class ConnectorMissingException extends IllegalStateException {
        public ConnectorMissingException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A missing or unreadable input: a user error, reported without a stack trace by the CLI. */
    public static final class InputException extends IllegalArgumentException {
        public InputException(String message) {
            super(message);
        }

        public InputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
