package io.anglespark.model.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder a training run writes (its model, checkpoints and curves), on whatever file system holds it: the model
 * module knows no Hadoop, so the Spark job hands the loop a Hadoop-backed folder and tests a {@link #local} one. Names
 * are relative, '/'-separated paths inside the folder.
 */
public interface RunFolder {
    /** A new file (parents made), replacing one of that name. */
    OutputStream create(String name) throws IOException;

    InputStream open(String name) throws IOException;

    boolean exists(String name) throws IOException;

    /** The names of the entries directly in folder {@code dir} (empty when it does not exist). */
    List<String> list(String dir) throws IOException;

    /** Renames {@code from} to {@code to}, which must not exist: atomic where the file system offers it. */
    void rename(String from, String to) throws IOException;

    /** Deletes a file or a folder with its contents; nothing when absent. */
    void delete(String name) throws IOException;

    /** Where the folder is, for messages. */
    String describe();

    /**
     * Writes a file through a hidden temporary sibling renamed over the target: readers see the old file or the new one
     * (the one atomic-write mechanism of the project; {@code HadoopFs.writeStringAtomically} goes through it too).
     */
    default void writeAtomically(String name, Writer w) throws IOException {
        int slash = name.lastIndexOf('/');
        String tmp = name.substring(0, slash + 1) + "." + name.substring(slash + 1) + ".tmp-" + java.util.UUID.randomUUID();
        try {
            try (OutputStream out = create(tmp)) {
                w.write(out);
            }
            delete(name);
            rename(tmp, name);
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e;
        }
    }

    /** Writes a file's bytes. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** A folder of the local file system. */
    static RunFolder local(Path root) {
        return new RunFolder() {
            @Override
            public OutputStream create(String name) throws IOException {
                Path p = root.resolve(name);
                Files.createDirectories(p.getParent());
                return Files.newOutputStream(p);
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(root.resolve(name));
            }

            @Override
            public boolean exists(String name) {
                return Files.exists(root.resolve(name));
            }

            @Override
            public List<String> list(String dir) throws IOException {
                Path d = root.resolve(dir);
                if (!Files.isDirectory(d)) {
                    return List.of();
                }
                try (Stream<Path> s = Files.list(d)) {
                    return s.map(p -> p.getFileName().toString()).sorted().toList();
                }
            }

            @Override
            public void rename(String from, String to) throws IOException {
                Path target = root.resolve(to);
                Files.createDirectories(target.getParent());
                Files.move(root.resolve(from), target, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void delete(String name) throws IOException {
                Path p = root.resolve(name);
                if (!Files.exists(p)) {
                    return;
                }
                try (Stream<Path> s = Files.walk(p)) {
                    List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
                    for (Path q : all) {
                        Files.delete(q);
                    }
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }

            @Override
            public String describe() {
                return root.toString();
            }
        };
    }
}
