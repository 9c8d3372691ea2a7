package io.ferrite.common;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Redis's software watchdog ({@code watchdog-period}, debug.c): when the server's work stays on
 * one stretch longer than the period, the stack of the thread doing it is logged, once per stall.
 * Redis arms a one-shot SIGALRM from serverCron, so its main thread trips it whenever a command, a
 * blocking read or a data set's load keeps cron from running. Here each watched event loop beats
 * from a task it runs at {@code hz}, as cron would re-arm the timer, and a load of a data set is a
 * stretch that never beats (Redis's loads run no cron either); a thread of the watchdog's own
 * compares, since Java has no signal to interrupt a thread with.
 */
public final class Watchdog {
    /** How often the watchdog looks while it is off, to notice CONFIG SET turning it on. */
    private static final long IDLE_MILLIS = 100;

    /** One watched stretch of work: its thread and when it last beat. */
    public final class Watched implements AutoCloseable {
        private volatile Thread thread;
        private volatile long beatNanos = System.nanoTime();
        /** The beat a report was logged for, so a stall is reported once. */
        private long reportedFor = -1;

        private Watched(Thread thread) {
            this.thread = thread;
        }

        /** The watched thread is back at its cron: a stall, if any, is over. */
        public void beat() {
            thread = Thread.currentThread();
            beatNanos = System.nanoTime();
        }

        /** The stretch is over: it is watched no more. */
        @Override
        public void close() {
            watched.remove(this);
        }
    }

    private final LongSupplier periodMillis;
    private final Consumer<String> log;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /** {@code periodMillis}: watchdog-period as it is now (0: off); reports go to {@code log}. */
    public Watchdog(LongSupplier periodMillis, Consumer<String> log) {
        this.periodMillis = periodMillis;
        this.log = log;
    }

    /** A watchdog whose reports are warnings of the server's log, as Redis's. */
    public Watchdog(LongSupplier periodMillis) {
        this(periodMillis, Log::warning);
    }

    /** Starts the watchdog's thread; it ends with {@link #stop}. */
    public Watchdog start() {
        Thread.ofPlatform().name("ferrite-watchdog").daemon().start(this::run);
        return this;
    }

    public void stop() {
        stopped = true;
    }

    /**
     * Watches {@code loop}: a task on it beats every 1/hz seconds for as long as the loop runs, so a
     * task holding the loop longer than the period is reported.
     */
    public void watchLoop(ScheduledExecutorService loop, IntSupplier hz) {
        Watched w = new Watched(null);
        watched.add(w);
        // the first beat names the loop's thread
        loop.execute(w::beat);
        beatOn(loop, hz, w);
    }

    private void beatOn(ScheduledExecutorService loop, IntSupplier hz, Watched w) {
        if (loop.isShutdown() || stopped) {
            w.close();
            return;
        }
        loop.schedule(() -> {
            w.beat();
            beatOn(loop, hz, w);
        }, 1000 / Math.max(1, hz.getAsInt()), TimeUnit.MILLISECONDS);
    }

    /** A stretch of work on the calling thread that does not beat (a data set's load): close it when done. */
    public Watched stretch() {
        Watched w = new Watched(Thread.currentThread());
        watched.add(w);
        return w;
    }

    private void run() {
        while (!stopped) {
            long period = periodMillis.getAsLong();
            if (period <= 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS));
                continue;
            }
            long now = System.nanoTime();
            for (Watched w : watched) {
                long beat = w.beatNanos;
                Thread t = w.thread;
                if (t != null && beat != w.reportedFor && now - beat > TimeUnit.MILLISECONDS.toNanos(period)) {
                    w.reportedFor = beat;
                    report(t);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(IDLE_MILLIS, period / 4))));
        }
    }

    /** Redis's watchdogSignalHandler report, the stack being the Java thread's. */
    private void report(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        StringBuilder b = new StringBuilder("\n--- WATCHDOG TIMER EXPIRED ---\n\n------ STACK TRACE ------\n");
        b.append("Thread: ").append(t.getName()).append('\n');
        b.append("EIP:\n").append(stack.length > 0 ? stack[0] : "?").append("\n\nBacktrace:\n");
        for (StackTraceElement e : stack) {
            b.append(e).append('\n');
        }
        log.accept(b.toString());
        log.accept("--------\n");
    }
}
