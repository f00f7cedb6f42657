package io.anglespark.jobs.common;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
import java.util.UUID;

/** Hadoop FileSystem helpers: every input and output is a Hadoop path (file:, hdfs:, s3a:, ...). */
public final class HadoopFs {
    private HadoopFs() {
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
            FileSystem fs = p.getFileSystem(conf);
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

    private static void collect(FileSystem fs, FileStatus st, List<InputFile> out) throws IOException {
        String name = st.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
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
        FileSystem fs = p.getFileSystem(conf);
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
        return p.getFileSystem(conf).exists(p);
    }

    public static void delete(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        p.getFileSystem(conf).delete(p, true);
    }

    /** Writes a small file atomically: to a temporary sibling first, then renamed over the target. */
    public static void writeStringAtomically(String path, String content, Configuration conf) throws IOException {
        Path target = new Path(path);
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try (FSDataOutputStream out = fs.create(tmp, false)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    /** The output folder exists and overwriting was not asked for. */
    public static final class OutputExistsException extends IllegalStateException {
        public OutputExistsException(String message) {
            super(message);
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
