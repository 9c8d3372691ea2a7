package io.ferrite.common;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A stall longer than watchdog-period is reported once, with the stalled thread's stack; nothing else is. */
class WatchdogTest {
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final AtomicLong period = new AtomicLong(200);
    private final Watchdog watchdog = new Watchdog(period::get, reports::add).start();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "watched-loop"));

    @AfterEach
    void stop() {
        watchdog.stop();
        loop.shutdownNow();
    }

    private long expired() {
        return reports.stream().filter(r -> r.contains("--- WATCHDOG TIMER EXPIRED ---")).count();
    }

    private static void stall(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLoopHeldLongerThanThePeriodIsReportedOnceWithItsStack() throws Exception {
        watchdog.watchLoop(loop, () -> 10);
        loop.submit(() -> stall(800)).get();
        Thread.sleep(400);
        assertThat(expired()).isEqualTo(1);
        String report = reports.stream().filter(r -> r.contains("EXPIRED")).findFirst().orElseThrow();
        assertThat(report).contains("Thread: watched-loop", "EIP:", "Backtrace:", "WatchdogTest.stall");
        assertThat(reports).contains("--------\n");
    }

    @Test
    void aLoopThatKeepsBeatingIsNeverReported() throws Exception {
        // a period well above the beat's, so a loaded machine's scheduling delays do not count as stalls
        period.set(1000);
        watchdog.watchLoop(loop, () -> 10);
        for (int i = 0; i < 10; i++) {
            loop.submit(() -> stall(50)).get();
        }
        Thread.sleep(300);
        assertThat(reports).isEmpty();
    }

    @Test
    void nothingIsReportedWhileThePeriodIsZero() throws Exception {
        period.set(0);
        watchdog.watchLoop(loop, () -> 10);
        loop.submit(() -> stall(500)).get();
        assertThat(reports).isEmpty();
    }

    @Test
    void aStretchThatNeverBeatsIsReportedOnceUntilItCloses() throws Exception {
        Thread t = Thread.ofPlatform().name("loading-thread").start(() -> {
            try (var s = watchdog.stretch()) {
                stall(600);
            }
        });
        t.join();
        Thread.sleep(300);
        assertThat(expired()).isEqualTo(1);
        assertThat(reports.get(0)).contains("Thread: loading-thread");
    }
}
