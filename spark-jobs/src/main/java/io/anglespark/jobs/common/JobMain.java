package io.anglespark.jobs.common;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Runs a job's picocli command and turns its errors into exit codes: a command line picocli cannot parse, or a user
 * error (bad config, missing input, existing output, a file system missing from the class path) prints one line naming
 * the problem and exits 2; anything else is a bug or an environment failure and prints the stack trace, exit 1.
 * No line quotes a command-line value: {@code --conf key=secret} given to the job is reported by its option name only.
 */
public final class JobMain {
    private JobMain() {
    }

    public static int execute(String job, Callable<Integer> command, String[] args) {
        return commandLine(job, command).execute(args);
    }

    /** The job's command line with this class's error handling (tests set its error writer). */
    static CommandLine commandLine(String job, Callable<Integer> command) {
        return new CommandLine(command)
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println(job + ": " + describe(e, args) + "; run with --help for the job's options");
                    return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (isUserError(e)) {
                        cmd.getErr().println(job + ": " + userMessage(e));
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

    static boolean isUserError(Exception e) {
        return e instanceof ConfigException || e instanceof HadoopFs.InputException || e instanceof HadoopFs.OutputExistsException
                || HadoopFs.connectorMissing(e) != null;
    }

    /** The one line of a user error: what to add for a missing file system (wherever it surfaced), else the message, redacted. */
    static String userMessage(Exception e) {
        HadoopFs.ConnectorMissingException missing = HadoopFs.connectorMissing(e);
        return Redaction.forThisProcess().text(missing != null ? missing.getMessage() : e.getMessage());
    }
}
