package io.anglespark.model;

import java.io.IOException;

/**
 * A model file (an encoder artifact, a checkpoint's updater state) that cannot be loaded because of what it holds:
 * not a zip, an entry that is not ours, a missing entry, a value out of range, weights of the wrong size or truncated.
 * A user error, not a bug: the jobs report it as one line naming the file and the problem (exit 2). Its message is
 * always one line, {@code model file <file>: <problem>}.
 *
 * <p>Loaders often read a local or temporary copy of the user's file; the code that knows the user's path renames
 * the failure with {@link #forFile} so that the message names the path the user gave.
 */
public final class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String problem;

    /**
     * @param file    the file as the user named it (path or URI)
     * @param problem what is wrong, without the file name ("entry coefficients.bin is truncated: ...")
     */
    public ModelFileException(String file, String problem) {
        this(file, problem, null);
    }

    public ModelFileException(String file, String problem, Throwable cause) {
        super("model file " + oneLine(file) + ": " + oneLine(problem), cause);
        this.file = oneLine(file);
        this.problem = oneLine(problem);
    }

    /** The file the message names. */
    public String file() {
        return file;
    }

    /** What is wrong with it (the message without the file). */
    public String problem() {
        return problem;
    }

    /** The same failure naming {@code userFile} instead (e.g. the user's path rather than a local copy's); this one is its cause. */
    public ModelFileException forFile(String userFile) {
        return oneLine(userFile).equals(file) ? this : new ModelFileException(userFile, problem, this);
    }

    /**
     * Messages of causes (Jackson's, ND4J's) may span lines, and names taken from a file (entries, classes) may hold
     * control characters: the jobs print this message as a single line of printable text.
     */
    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("\\p{Cntrl}", "?").strip();
    }
}
