package io.ferrite.memcached;

import org.junit.jupiter.api.Test;

import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * stats slabs and stats items by memcached's slab classes. Not a differential case: memcached keeps the
 * pages of classes used by earlier cases, so its figures depend on the whole run's history.
 */
class McStatsTest extends MemcachedServerTest {
    @Test
    void slabsAndItemsCountUsedChunksPerClass() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.memcachedPort())) {
            s.setSoTimeout(10_000);
            // 61 bytes each as memcached sizes items (48 header + key + NUL + value + CRLF + CAS): class 1 (96)
            String stored = McHardeningTest.call(s, "set a 0 0 1\r\nx\r\nset b 0 0 1\r\nx\r\nset c 0 0 1\r\nx\r\n"
                + "set d 5 0 300\r\n" + "y".repeat(300) + "\r\n", "STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n");
            assertThat(stored).isEqualTo("STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n");
            String slabs = McHardeningTest.call(s, "stats slabs\r\n", "END\r\n");
            assertThat(slabs).isEqualTo("STAT 1:chunk_size 96\r\nSTAT 1:chunks_per_page 10922\r\nSTAT 1:total_pages 1\r\n"
                + "STAT 1:total_chunks 10922\r\nSTAT 1:used_chunks 3\r\nSTAT 1:free_chunks 10919\r\nSTAT 1:free_chunks_end 0\r\n"
                + "STAT 7:chunk_size 384\r\nSTAT 7:chunks_per_page 2730\r\nSTAT 7:total_pages 1\r\n"
                + "STAT 7:total_chunks 2730\r\nSTAT 7:used_chunks 1\r\nSTAT 7:free_chunks 2729\r\nSTAT 7:free_chunks_end 0\r\n"
                + "STAT active_slabs 2\r\nSTAT total_malloced 2097152\r\nEND\r\n");
            String items = McHardeningTest.call(s, "stats items\r\n", "END\r\n");
            assertThat(items).contains("STAT items:1:number 3\r\n", "STAT items:1:mem_requested 183\r\n",
                "STAT items:7:number 1\r\n", "STAT items:7:mem_requested 364\r\n");
            assertThat(McHardeningTest.call(s, "delete a\r\ndelete d\r\nstats slabs\r\n", "END\r\n"))
                .contains("STAT 1:used_chunks 2\r\n", "STAT active_slabs 1\r\n").doesNotContain("STAT 7:");
            String big = "set big 0 0 2000000\r\n" + "z".repeat(2_000_000) + "\r\nms big 2000000\r\n" + "z".repeat(2_000_000)
                + "\r\nstats\r\n";
            assertThat(McHardeningTest.call(s, big, "END\r\n")).startsWith(
                "SERVER_ERROR object too large for cache\r\nSERVER_ERROR object too large for cache\r\n")
                .contains("STAT store_too_large 2\r\n", "STAT accepting_conns 1\r\n");
        }
    }

    @Test
    void expiredItemsTheServerRemovesCountAsReclaimed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.memcachedPort())) {
            s.setSoTimeout(10_000);
            McHardeningTest.call(s, "stats reset\r\n", "RESET\r\n");
            // two short-lived class-1 items, one of them read; one class-7 item never read
            String setUp = "set ra 0 1 1\r\nx\r\nset rb 0 1 1\r\nx\r\nset rc 0 1 300\r\n" + "y".repeat(300)
                + "\r\nget ra\r\n";
            assertThat(McHardeningTest.call(s, setUp, "END\r\n")).startsWith("STORED\r\nSTORED\r\nSTORED\r\nVALUE ra 0 1");
            // memcached's clock has whole seconds: the items are gone within 2 s, then the active expiry finds them
            long deadline = System.currentTimeMillis() + 8_000;
            String stats;
            do {
                Thread.sleep(200);
                stats = McHardeningTest.call(s, "stats\r\n", "END\r\n");
            } while (!stats.contains("STAT reclaimed 3\r\n") && System.currentTimeMillis() < deadline);
            assertThat(stats).contains("STAT reclaimed 3\r\n", "STAT expired_unfetched 2\r\n", "STAT curr_items 0\r\n");
            // per class, shown once the class holds an item again
            String items = McHardeningTest.call(s, "set live 0 0 1\r\nx\r\nstats items\r\n", "END\r\n");
            assertThat(items).contains("STAT items:1:number 1\r\n", "STAT items:1:reclaimed 2\r\n",
                "STAT items:1:expired_unfetched 1\r\n").doesNotContain("items:7:");
            assertThat(McHardeningTest.call(s, "stats reset\r\nstats\r\n", "END\r\n"))
                .contains("STAT reclaimed 0\r\n", "STAT expired_unfetched 0\r\n");
        }
    }
}
