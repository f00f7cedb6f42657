package io.anglespark.jobs.common;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/**
 * Runs a job's picocli command and turns its errors into exit codes: a user error (bad config, missing
 * input, existing output) prints one line naming the problem and exits 2; anything else is a bug or an
 * environment failure and prints the stack trace, exit 1.
 */
public final class JobMain {
    private JobMain() {
    }

    public static int execute(String job, Callable<Integer> command, String[] args) {
        return new CommandLine(command).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (isUserError(e)) {
                cmd.getErr().println(job + ": " + e.getMessage());
                return 2;
            }
            cmd.getErr().println(job + " failed: " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        }).execute(args);
    }

    static boolean isUserError(Exception e) {
        return e instanceof ConfigException || e instanceof HadoopFs.InputException || e instanceof HadoopFs.OutputExistsException
                || e instanceof OutputFolder.OutputOverlapsInputException;
    }
}
