package io.anglespark.jobs.submit;

import io.anglespark.prep.SharedData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's scripts (submit/, bench/, the test clusters') as a user would: from the project root, with the
 * caller's environment plus the given variables, stdout and stderr together in a log file. One run past its limit is
 * killed with every process it started, and fails the test with its output.
 */
final class Scripts {
    static final Path ROOT = SharedData.projectRoot();

    private Scripts() {
    }

    record Result(int exit, String output, long millis) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    /** The command: a path relative to the project root for a script of ours ("submit/train"), else as given ("java"). */
    static List<String> command(String program, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(program.contains("/") && !program.startsWith("/") ? ROOT.resolve(program).toString() : program);
        cmd.addAll(args);
        return cmd;
    }

    static Process start(Path log, Map<String, String> env, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return pb.start();
    }

    /** Waits for a started run; past the limit kills it and everything it started, failing with its log. */
    static Result await(Process p, Path log, Duration limit, long startedNanos) throws IOException, InterruptedException {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            kill(p);
            throw new AssertionError(p.info().commandLine().orElse("a script") + " did not finish in " + limit + ":\n" + read(log));
        }
        return new Result(p.exitValue(), read(log), (System.nanoTime() - startedNanos) / 1_000_000);
    }

    static Result run(Path log, Duration limit, Map<String, String> env, String program, String... args) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        return await(start(log, env, command(program, List.of(args))), log, limit, t0);
    }

    static Result run(Duration limit, Map<String, String> env, String program, String... args) throws IOException, InterruptedException {
        return run(Files.createTempFile("script", ".log"), limit, env, program, args);
    }

    /** SIGKILL to the process and everything it started: no shutdown hook, no clean-up, as a crash. */
    static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(1, TimeUnit.MINUTES);
    }

    static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
