package io.anglespark.jobs.common;

import io.anglespark.model.ModelFileException;
import org.apache.spark.SparkException;
import org.apache.spark.SparkUserAppException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Runs a job's picocli command and turns its errors into exit codes: a command line picocli cannot parse, or a user
 * error (bad config, missing input, existing output, an output over an input, a model file that cannot be loaded, a
 * file system missing from the class path) prints one line naming the problem and exits 2; anything else is a bug or
 * an environment failure and prints the stack trace, exit 1. No line quotes a command-line value
 * ({@code --conf key=secret} given to the job is reported by its option name only), and every user-error line is
 * redacted.
 */
public final class JobMain {
    private JobMain() {
    }

    /**
     * A job's {@code main}: runs the command and ends the driver with its exit code. A driver in a YARN application
     * master (cluster deploy mode) does not call {@code System.exit}, which its application master would report as a
     * crash ("Shutdown hook called before final status was reported") and retry: it returns on success, and on failure
     * throws Spark's own exception for an application's exit code, which the application master reports as the
     * application's failure with that code (as spark-submit does for Python applications).
     */
    public static void main(String job, Callable<Integer> command, String[] args) throws SparkException {
        int code = execute(job, command, args);
        if (!inYarnApplicationMaster()) {
            System.exit(code);
        }
        if (code != 0) {
            throw new SparkUserAppException(code);
        }
    }

    /** Whether this JVM is a YARN application master running the driver (it sets these properties before the job's main). */
    static boolean inYarnApplicationMaster() {
        return "yarn".equals(System.getProperty("spark.master")) && "cluster".equals(System.getProperty("spark.submit.deployMode"))
                && System.getProperty("spark.yarn.app.id") != null;
    }

    public static int execute(String job, Callable<Integer> command, String[] args) {
        return commandLine(job, command).execute(args);
    }

    /** As {@link #execute(String, Callable, String[])}, printing errors to {@code err}. */
    public static int execute(String job, Callable<Integer> command, String[] args, PrintWriter err) {
        return commandLine(job, command).setErr(err).execute(args);
    }

    /** The job's command line with this class's error handling (tests set its error writer). */
    static CommandLine commandLine(String job, Callable<Integer> command) {
        return new CommandLine(command)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println(job + ": " + describe(e, args) + "; run with --help for the job's options");
                    return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    String line = userError(e);
                    if (line != null) {
                        cmd.getErr().println(job + ": " + line);
                        return 2;
                    }
                    cmd.getErr().println(job + " failed: " + e);
                    e.printStackTrace(cmd.getErr());
                    return 1;
                });
    }

    /**
     * A rejected command line in words that name options only: picocli's own messages quote the arguments, and an
     * argument may be {@code spark.hadoop.fs.s3a.secret.key=...} meant for spark-submit.
     */
    static String describe(CommandLine.ParameterException e, String[] args) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            if (first.startsWith("-")) {
                int eq = first.indexOf('=');
                String name = eq > 0 ? first.substring(0, eq) : first;
                return "unknown option '" + name + "' (spark-submit options go before the job's options, before the job jar; "
                        + "the submit/ scripts take --master, --conf, --packages and --properties)";
            }
            int at = Arrays.asList(args).indexOf(first);
            return "unexpected argument" + (at >= 0 ? " at position " + (at + 1) : "") + " (not shown; every job option starts with --)";
        }
        ArgSpec spec = e.getArgSpec();
        String option = spec instanceof OptionSpec o ? "option '" + o.longestName() + "'" : "an argument";
        if (e instanceof CommandLine.MissingParameterException) {
            return option + " needs a value";
        }
        if (e instanceof CommandLine.OverwrittenOptionException) {
            return option + " is given more than once";
        }
        return "invalid value for " + option + " (not shown)";
    }

    /**
     * The one line of a user error, redacted, or null when {@code e} is not one. A {@link ModelFileException} counts also
     * when wrapped (an {@code UncheckedIOException} from a cache, a Spark exception from a task): its own message, which
     * names the file and the problem, is the line; a missing file system says what to add, wherever it surfaced.
     */
    static String userError(Throwable e) {
        HadoopFs.ConnectorMissingException missing = HadoopFs.connectorMissing(e);
        if (missing != null) {
            return Redaction.forThisProcess().text(missing.getMessage());
        }
        if (e instanceof ConfigException || e instanceof HadoopFs.InputException || e instanceof HadoopFs.OutputExistsException
                || e instanceof OutputFolder.OutputOverlapsInputException) {
            return Redaction.forThisProcess().text(e.getMessage());
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ModelFileException m) {
                return Redaction.forThisProcess().text(m.getMessage());
            }
        }
        return null;
    }

    static boolean isUserError(Exception e) {
        return userError(e) != null;
    }
}
