package io.anglespark.prep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Locates the real corpora in {@code ../shared/data} beside the project root. Tests read them from
 * there (CI has the same folder beside its clone); a missing folder fails the test, it is never skipped.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The project root: set by surefire as {@code angle.project.root}, else the working directory's parent chain. */
    public static Path projectRoot() {
        String prop = System.getProperty("angle.project.root");
        Path start = prop != null ? Paths.get(prop) : Paths.get("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("data-prep"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the project root from " + start);
    }

    public static Path dataRoot() {
        Path root = projectRoot().resolve("../shared/data").normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("the real corpora are expected in " + root + " (../shared/data beside the project)");
        }
        return root;
    }

    /** A file under {@code ../shared/data}, e.g. {@code stsbenchmark/sts-train.csv}; fails if absent. */
    public static Path file(String relative) {
        Path p = dataRoot().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("missing shared data file " + p);
        }
        return p;
    }

    /** The file's lines as Hadoop's line reader gives them: split on LF, CR or CRLF, terminators removed, no trailing empty line. */
    public static List<String> lines(String relative) {
        try {
            return Files.readAllLines(file(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
