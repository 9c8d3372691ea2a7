package io.ferrite.command.family;

import io.ferrite.server.Server;
import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.OK;
import static io.ferrite.testing.Replies.ONE;
import static io.ferrite.testing.Replies.ZERO;
import static io.ferrite.testing.Replies.bulks;
import static io.ferrite.testing.Replies.integer;
import static org.assertj.core.api.Assertions.assertThat;

/** LATENCY and INFO latencystats on a private server (its settings change). */
class LatencyTest extends FerriteTest {
    private Server own;
    private RawClient r;

    @BeforeEach
    void start() {
        own = ownServer(Map.of());
        r = raw(own.respPort());
    }

    @Test
    void disabledByDefault() {
        assertThat(r.call("LATENCY", "LATEST")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("LATENCY", "DOCTOR")).startsWith("$").contains("I'm sorry, Dave, I can't do that. Latency "
            + "monitoring is disabled in this Redis instance.");
        assertThat(r.call("LATENCY", "HISTORY", "command")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("LATENCY", "GRAPH", "command")).isEqualTo("-ERR No samples available for event 'command'\r\n");
        assertThat(r.call("LATENCY", "RESET")).isEqualTo(ZERO);
    }

    @Test
    void slowCommandsAreSampled() {
        r.call("CONFIG", "SET", "latency-monitor-threshold", "5");
        r.call("DEBUG", "SLEEP", "0.02");
        String latest = r.call("LATENCY", "LATEST");
        assertThat(latest).startsWith("*1\r\n*4\r\n$7\r\ncommand\r\n:");
        long ms = Long.parseLong(latest.split("\r\n")[5].substring(1));
        long max = Long.parseLong(latest.split("\r\n")[6].substring(1));
        assertThat(ms).isGreaterThanOrEqualTo(20);
        assertThat(max).isEqualTo(ms);
        assertThat(r.call("LATENCY", "HISTORY", "command")).startsWith("*1\r\n*2\r\n:");
        assertThat(r.call("LATENCY", "HISTORY", "COMMAND")).isEqualTo(EMPTY_ARRAY);
        String graph = r.call("LATENCY", "GRAPH", "command");
        assertThat(graph).contains("command - high " + ms + " ms, low " + ms + " ms (all time high " + ms + " ms)\n"
            + "-".repeat(80) + "\n \n \n \n_\n \n");
        assertThat(r.call("LATENCY", "DOCTOR")).contains("Dave, I have observed latency spikes in this Redis instance.")
            .contains("1. command: 1 latency spikes (average " + ms + "ms, mean deviation 0ms, period 1.00 sec). "
                + "Worst all time event " + ms + "ms.")
            .contains("- Check your Slow Log to understand what are the commands");
        // fast commands are not slow enough to be sampled
        r.call("GET", "x");
        assertThat(r.call("LATENCY", "LATEST")).startsWith("*1\r\n");
        assertThat(r.call("LATENCY", "RESET", "nosuch", "COMMAND")).isEqualTo(ONE);
        assertThat(r.call("LATENCY", "LATEST")).isEqualTo(EMPTY_ARRAY);
    }

    @Test
    void histogramOfCommands() {
        for (int i = 0; i < 5; i++) {
            r.call("SET", "k" + i, "v");
        }
        r.call("GET", "k1");
        String h = r.call("LATENCY", "HISTOGRAM", "set", "nosuch", "GET");
        assertThat(h).startsWith("*4\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:5\r\n$14\r\nhistogram_usec\r\n*");
        assertThat(h).contains("$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:");
        // cumulative counts ending with every call
        assertThat(h.substring(0, h.indexOf("$3\r\nget"))).endsWith(integer(5));
        assertThat(h).endsWith(ONE);
        assertThat(r.call("LATENCY", "HISTOGRAM", "nosuch")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("LATENCY", "HISTOGRAM", "config|help")).isEqualTo(EMPTY_ARRAY);
        r.call("CONFIG", "HELP");
        assertThat(r.call("LATENCY", "HISTOGRAM", "CONFIG|HELP")).startsWith("*2\r\n$11\r\nconfig|help\r\n");
        r.call("HELLO", "3");
        assertThat(r.call("LATENCY", "HISTOGRAM", "get")).startsWith("%1\r\n$3\r\nget\r\n%2\r\n$5\r\ncalls\r\n:1\r\n"
            + "$14\r\nhistogram_usec\r\n%");
    }

    @Test
    void histogramOfAContainerListsItsSubcommands() {
        r.call("CONFIG", "RESETSTAT");
        r.call("CLIENT", "ID");
        r.call("CLIENT", "GETNAME");
        String h = r.call("LATENCY", "HISTOGRAM", "client");
        assertThat(h).startsWith("*4\r\n").contains("$9\r\nclient|id\r\n*4\r\n$5\r\ncalls\r\n:1\r\n")
            .contains("$14\r\nclient|getname\r\n*4\r\n$5\r\ncalls\r\n:1\r\n");
        assertThat(r.call("LATENCY", "HISTOGRAM", "client|id")).startsWith("*2\r\n$9\r\nclient|id\r\n");
    }

    @Test
    void infoLatencystatsPercentiles() {
        r.call("SET", "a", "b");
        String info = r.call("INFO", "latencystats");
        assertThat(info).contains("# Latencystats\r\n").containsPattern(
            "latency_percentiles_usec_set:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}\r\n");
        assertThat(r.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 50.0 100")).isEqualTo(OK);
        assertThat(r.call("CONFIG", "GET", "latency-tracking-info-percentiles"))
            .isEqualTo(bulks("latency-tracking-info-percentiles", "0 50 100"));
        assertThat(r.call("INFO", "latencystats")).containsPattern("latency_percentiles_usec_set:p0=[0-9.]+,p50=[0-9.]+,"
            + "p100=[0-9.]+\r\n");
        assertThat(r.call("CONFIG", "SET", "latency-tracking-info-percentiles", "101")).isEqualTo("-ERR CONFIG SET failed "
            + "(possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles "
            + "parameters should sit between [0.0,100.0]\r\n");
        assertThat(r.call("CONFIG", "SET", "latency-tracking-info-percentiles", "x")).isEqualTo("-ERR CONFIG SET failed "
            + "(possibly related to argument 'latency-tracking-info-percentiles') - Invalid "
            + "latency-tracking-info-percentiles parameters\r\n");
        r.call("CONFIG", "RESETSTAT");
        assertThat(r.call("INFO", "latencystats")).doesNotContain("latency_percentiles_usec_set");
    }

    @Test
    void help() {
        String h = r.call("LATENCY", "HELP");
        assertThat(h).startsWith("*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n")
            .contains("+HISTOGRAM [COMMAND ...]\r\n").endsWith("+    Prints this help.\r\n");
    }
}
