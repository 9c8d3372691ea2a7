package io.ferrite.server;

import io.ferrite.common.Log;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A child process that stands for a background job Ferrite runs without fork (BGSAVE, the AOF
 * rewrite). Redis's operators and its test suite stop such a job by killing the child
 * ({@code kill -9 $(pgrep -P <server pid>)}) and find its files by the child's pid
 * (temp-PID.rdb, temp-rewriteaof-bg-PID.aof); this process is what they find and kill.
 * <p>
 * The process is {@code cat} reading a pipe from Ferrite: it waits in read() using no CPU, and
 * when Ferrite dies, however it dies, the kernel closes the pipe and cat exits, so it never
 * outlives the server (a {@code sleep} would). Ferrite ends it by closing the pipe ({@link #end})
 * when the job ends; if it dies any other way, {@code onKilled} runs with the signal, as Redis's
 * checkChildrenDone reports a child killed by a signal, and the job aborts.
 */
public final class ChildStandIn {
    /** The program: present wherever a shell is (coreutils), exits at end of input. */
    private static final String PROGRAM = "cat";
    /** How long {@link #end} waits for the process to be gone (so pgrep no longer lists it). */
    private static final long END_WAIT_MILLIS = 2000;
    /** Java reports a process killed by signal N as exit value 128 + N. */
    private static final int SIGNAL_BASE = 128;

    private final Process process;
    private volatile boolean ending;

    private ChildStandIn(Process process) {
        this.process = process;
    }

    /**
     * Starts a stand-in for a job; {@code onKilled} gets the signal (or 0 when it exited by
     * itself) if the process ends before {@link #end}, on a thread of the JDK's process reaper.
     * Null when no process can be started: the job then runs with no stand-in.
     */
    public static ChildStandIn start(IntConsumer onKilled) {
        Process p;
        try {
            p = new ProcessBuilder(PROGRAM)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        } catch (IOException e) {
            Log.warning("Can't start the child process standing for a background job: " + e.getMessage());
            return null;
        }
        ChildStandIn child = new ChildStandIn(p);
        p.onExit().thenAccept(gone -> {
            if (!child.ending) {
                int code = gone.exitValue();
                onKilled.accept(code > SIGNAL_BASE ? code - SIGNAL_BASE : 0);
            }
        });
        return child;
    }

    /** The pid Redis would report for the job's child (log lines, temp file names). */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /**
     * The job has ended (or Ferrite stops it): the process goes without {@code onKilled} being
     * called, and is reaped before this returns, so no stale child is listed afterwards.
     */
    public void end() {
        ending = true;
        try (OutputStream in = process.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // the pipe is already closed: the process is ending anyway
        }
        try {
            if (!process.waitFor(END_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(END_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The pid of {@code child}, or Ferrite's own when the job has no stand-in. */
    public static long pidOf(ChildStandIn child) {
        return child == null ? ProcessHandle.current().pid() : child.pid();
    }
}
