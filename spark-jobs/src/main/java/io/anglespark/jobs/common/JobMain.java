package io.anglespark.jobs.common;

import io.anglespark.model.ModelFileException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Runs a job's picocli command and turns its errors into exit codes: a user error (bad config, missing
 * input, existing output, a model file that cannot be loaded) prints one line naming the problem and exits 2;
 * anything else is a bug or an environment failure and prints the stack trace, exit 1.
 */
public final class JobMain {
    private JobMain() {
    }

    public static int execute(String job, Callable<Integer> command, String[] args) {
        return execute(job, command, args, null);
    }

    /** As {@link #execute(String, Callable, String[])}, printing errors to {@code err} (null: standard error). */
    public static int execute(String job, Callable<Integer> command, String[] args, PrintWriter err) {
        CommandLine cl = new CommandLine(command);
        if (err != null) {
            cl.setErr(err);
        }
        return cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String userError = userError(e);
            if (userError != null) {
                cmd.getErr().println(job + ": " + userError);
                return 2;
            }
            cmd.getErr().println(job + " failed: " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        }).execute(args);
    }

    /**
     * The one-line message of a user error, or null when {@code e} is not one. A {@link ModelFileException} counts
     * also when wrapped (an {@code UncheckedIOException} from a cache, a Spark exception from a task): its own message,
     * which names the file and the problem, is the line.
     */
    static String userError(Throwable e) {
        if (e instanceof ConfigException || e instanceof HadoopFs.InputException || e instanceof HadoopFs.OutputExistsException
                || e instanceof OutputFolder.OutputOverlapsInputException) {
            return e.getMessage();
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ModelFileException m) {
                return m.getMessage();
            }
        }
        return null;
    }

    static boolean isUserError(Exception e) {
        return userError(e) != null;
    }
}
