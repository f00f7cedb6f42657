package io.anglespark.jobs.common;

import io.anglespark.model.train.RunFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** A training run's folder on any Hadoop file system (file:, hdfs:, s3a:), for the model module's training loop. */
public final class HadoopRunFolder implements RunFolder {
    private final Path root;
    private final FileSystem fs;

    public HadoopRunFolder(String root, Configuration conf) throws IOException {
        this.root = new Path(root);
        this.fs = HadoopFs.fileSystem(this.root, conf);
    }

    private Path at(String name) {
        return new Path(root, name);
    }

    @Override
    public OutputStream create(String name) throws IOException {
        return fs.create(at(name), true);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return fs.open(at(name));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs.exists(at(name));
    }

    @Override
    public List<String> list(String dir) throws IOException {
        List<String> names = new ArrayList<>();
        try {
            for (FileStatus st : fs.listStatus(at(dir))) {
                names.add(st.getPath().getName());
            }
        } catch (FileNotFoundException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Path target = at(to);
        fs.mkdirs(target.getParent());
        if (!fs.rename(at(from), target)) {
            throw new IOException("could not rename " + at(from) + " to " + target);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        fs.delete(at(name), true);
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
