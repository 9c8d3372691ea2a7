package io.ferrite.server;

import io.ferrite.persistence.snapshot.GeneratedRdb;
import io.ferrite.persistence.snapshot.LoadProgress;
import io.ferrite.persistence.snapshot.SaveState;
import io.ferrite.persistence.rdb.RdbInput;
import io.ferrite.server.snapshot.StartupLoad;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import io.ferrite.testing.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading the RDB file at start-up as Redis 7.0 does it, with the listeners already up: a file
 * streams into the shards through a window and a bounded number of batches; meanwhile commands
 * without the loading flag answer -LOADING, INFO shows the loading_* fields, CONFIG SET changes
 * key-load-delay of the load in progress, and SHUTDOWN does not save a half-loaded data set.
 */
class StartupLoadTest extends FerriteTest {
    private static final String LOADING = "-LOADING Redis is loading the dataset in memory\r\n";

    @TempDir
    Path dir;

    private Path write(GeneratedRdb file) throws IOException {
        Path f = dir.resolve("dump.rdb");
        try (InputStream in = file) {
            Files.copy(in, f);
        }
        assertThat(Files.size(f)).isEqualTo(file.length());
        return f;
    }

    /** A server listening on {@code dir}, its file not loaded yet. */
    private Server open(Map<String, String> extra) {
        ServerConfig cfg = ServerConfig.defaults();
        cfg.set("bind", "127.0.0.1");
        cfg.set("port", Integer.toString(TestServers.freePort()));
        cfg.set("shards", Integer.toString(shards));
        cfg.set("memcached-port", "0");
        cfg.set("metrics-port", "0");
        cfg.set("enable-debug-command", "yes");
        cfg.set("save", "");
        cfg.set("dir", dir.toString());
        extra.forEach(cfg::set);
        return Server.open(cfg);
    }

    private static void awaitLoading(RawClient r) throws InterruptedException {
        for (int i = 0; i < 1000 && !r.call("INFO", "persistence").contains("loading:1\r\n"); i++) {
            Thread.sleep(10);
        }
        assertThat(r.call("INFO", "persistence")).contains("loading:1\r\n");
    }

    @Test
    void aBigFileLoadsThroughTheWindowAndABoundedNumberOfBatches() throws Exception {
        GeneratedRdb gen = new GeneratedRdb(200_000, 100, 0);
        Path f = write(gen);
        Server s = ownServer(Map.of());
        StartupLoad load = new StartupLoad(s.engine(), new StartupLoad.Settings(s.rdb().limits(), false, () -> 0,
            1024 * 1024), new LoadProgress(new SaveState(shards)), s::isClosed);
        var r = load.load(f);
        assertThat(r.keysLoaded()).isEqualTo(200_000);
        // the file is about 24 MB: what the load held beside the keyspace did not grow with it
        assertThat(load.bounds().peakWindow()).isEqualTo(RdbInput.STREAM_WINDOW);
        assertThat(load.bounds().peakInFlight()).isBetween(1, 8);
        try (RawClient c = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(c.call("DBSIZE")).isEqualTo(":200000\r\n");
            assertThat(c.call("GET", "key:0000000007")).startsWith("$100\r\nhijklmn");
        }
    }

    @Test
    void whileLoadingCommandsAnswerLoadingAndInfoShowsTheProgress() throws Exception {
        GeneratedRdb gen = new GeneratedRdb(300, 10, 0);
        long size = gen.length();
        write(gen);
        // a tenth of a second per key: the load lasts until the test lowers the delay
        Server s = open(Map.of("key-load-delay", "100000", "loading-process-events-interval-bytes", "1024"));
        Thread loader = new Thread(s::loadData, "test-loader");
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            loader.start();
            awaitLoading(r);
            assertThat(r.call("GET", "key:0000000001")).isEqualTo(LOADING);
            assertThat(r.call("PING")).isEqualTo(LOADING);
            assertThat(r.call("DBSIZE")).isEqualTo(LOADING);
            String info = r.call("INFO", "persistence");
            assertThat(info).contains("async_loading:0\r\n", "loading_total_bytes:" + size + "\r\n",
                "loading_rdb_used_mem:123456789\r\n", "loading_start_time:", "loading_loaded_perc:", "loading_eta_seconds:");
            // the loading_* fields end the section, as in Redis
            assertThat(info.trim()).containsPattern("loading_eta_seconds:\\d+$");
            // MULTI has the loading flag, SET has not: the transaction is flagged, EXEC aborts it
            assertThat(r.call("MULTI")).isEqualTo("+OK\r\n");
            assertThat(r.call("SET", "a", "b")).isEqualTo(LOADING);
            assertThat(r.call("EXEC")).isEqualTo("-EXECABORT Transaction discarded because of previous errors.\r\n");
            assertThat(r.call("CONFIG", "SET", "key-load-delay", "0")).isEqualTo("+OK\r\n");
            loader.join();
            assertThat(r.call("GET", "key:0000000001")).isEqualTo("$10\r\nbcdefghijk\r\n");
            info = r.call("INFO", "persistence");
            assertThat(info).contains("loading:0\r\n", "rdb_last_load_keys_loaded:300\r\n", "rdb_changes_since_last_save:0\r\n");
            assertThat(info).doesNotContain("loading_total_bytes");
        } finally {
            s.close();
            loader.join();
        }
    }

    @Test
    void shutdownWhileLoadingDoesNotSaveThePartlyLoadedSet() throws Exception {
        Path f = write(new GeneratedRdb(300, 10, 0));
        byte[] before = Files.readAllBytes(f);
        Server s = open(Map.of("key-load-delay", "100000", "save", "3600 1"));
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread loader = new Thread(() -> {
            try {
                s.loadData();
            } catch (RuntimeException e) {
                failed.set(e);
            }
        }, "test-loader");
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            loader.start();
            awaitLoading(r);
            r.send(RawClient.encode("SHUTDOWN", "SAVE"));
            assertThat(r.closedByServer()).isTrue();
        }
        loader.join();
        assertThat(s.isClosed()).isTrue();
        // a load the shutdown ended is no failure of the file
        assertThat(failed.get()).isNull();
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void debugReloadSetsTheLastLoadFigures() {
        Server s = ownServer(Map.of("dir", dir.toString()));
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            assertThat(r.call("DEBUG", "POPULATE", "10")).isEqualTo("+OK\r\n");
            assertThat(r.call("DEBUG", "RELOAD")).isEqualTo("+OK\r\n");
            assertThat(r.call("INFO", "persistence")).contains("rdb_last_load_keys_loaded:10\r\n",
                "rdb_last_load_keys_expired:0\r\n");
            assertThat(r.call("DEL", "key:0", "key:1", "key:2")).isEqualTo(":3\r\n");
            assertThat(r.call("SAVE")).isEqualTo("+OK\r\n");
            assertThat(r.call("DEBUG", "POPULATE", "5", "more")).isEqualTo("+OK\r\n");
            // NOSAVE loads the file as it is: the 7 keys saved
            assertThat(r.call("DEBUG", "RELOAD", "NOSAVE")).isEqualTo("+OK\r\n");
            assertThat(r.call("INFO", "persistence")).contains("rdb_last_load_keys_loaded:7\r\n");
            assertThat(r.call("DBSIZE")).isEqualTo(":7\r\n");
        }
    }

    @Test
    void aDuplicatedKeyFromAShardStopsTheLoad() throws Exception {
        Path f = write(new GeneratedRdb(2000, 10, 0));
        Server s = ownServer(Map.of());
        try (RawClient r = new RawClient("127.0.0.1", s.respPort())) {
            r.call("SET", "key:0000001500", "already");
        }
        StartupLoad load = new StartupLoad(s.engine(), new StartupLoad.Settings(s.rdb().limits(), false, () -> 0,
            1024 * 1024), new LoadProgress(new SaveState(shards)), s::isClosed);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> load.load(f))
            .hasMessage("RDB has duplicated key 'key:0000001500' in DB 0");
    }
}
