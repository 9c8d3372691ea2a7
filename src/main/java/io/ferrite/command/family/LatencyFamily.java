package io.ferrite.command.family;

import io.ferrite.engine.Keyspace;
import io.ferrite.engine.Shard;
import io.ferrite.engine.ShardKeyspace;
import io.ferrite.engine.ShardStats;
import io.ferrite.engine.command.Call;
import io.ferrite.engine.command.Command;
import io.ferrite.engine.command.CommandRegistry;
import io.ferrite.engine.command.CommandTable;
import io.ferrite.engine.command.ShardedCommand;
import io.ferrite.stats.LatencyEvents;
import io.ferrite.stats.LatencyHistogram;
import io.ferrite.stats.LatencyReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * LATENCY LATEST, HISTORY, GRAPH, DOCTOR, RESET, HISTOGRAM, HELP (Redis 7.0 latency.c). The
 * samples and histograms live on the shards; each subcommand copies every shard's part on that
 * shard's thread, then merges them: per event, the worst latency of each second over all shards.
 */
public final class LatencyFamily {
    private static final String[] HELP = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
    };

    private LatencyFamily() {
    }

    public static void register(CommandRegistry r) {
        r.addSharded("latency|latest", new EventsCommand() {
            @Override
            void reply(Call c, Map<String, Merged> events) {
                c.reply().array(events.size());
                events.forEach((name, m) -> {
                    long[] last = m.samples.get(m.samples.size() - 1);
                    c.reply().array(4);
                    c.reply().bulk(name);
                    c.reply().integer(last[0]);
                    c.reply().integer(last[1]);
                    c.reply().integer(m.max);
                });
            }
        });
        r.addSharded("latency|history", new EventsCommand() {
            @Override
            void reply(Call c, Map<String, Merged> events) {
                Merged m = events.get(c.argString(2));
                if (m == null) {
                    c.reply().array(0);
                    return;
                }
                c.reply().array(m.samples.size());
                for (long[] s : m.samples) {
                    c.reply().array(2);
                    c.reply().integer(s[0]);
                    c.reply().integer(s[1]);
                }
            }
        });
        r.addSharded("latency|graph", new EventsCommand() {
            @Override
            void reply(Call c, Map<String, Merged> events) {
                String event = c.argString(2);
                Merged m = events.get(event);
                if (m == null) {
                    c.reply().error("ERR No samples available for event '" + event + "'");
                    return;
                }
                c.reply().verbatim(LatencyReport.graph(event, m.samples, m.max, System.currentTimeMillis() / 1000));
            }
        });
        r.addSharded("latency|doctor", new EventsCommand() {
            @Override
            void reply(Call c, Map<String, Merged> events) {
                Map<String, LatencyReport.Event> in = new LinkedHashMap<>();
                events.forEach((name, m) -> in.put(name, new LatencyReport.Event(m.samples, m.max)));
                var obs = c.server.observer();
                c.reply().verbatim(LatencyReport.doctor(in, obs.latencyThreshold(), obs.slowerThan(),
                    c.server.config().getInt("hz"), System.currentTimeMillis() / 1000));
            }
        });
        r.addSharded("latency|reset", new Reset());
        r.addSharded("latency|histogram", new Histogram());
        r.add("latency|help", c -> FamilyUtil.help(c, HELP));
    }

    static Shard shard(Keyspace ks) {
        return ((ShardKeyspace) ks).shard();
    }

    /** One event merged over the shards: (second, worst ms) samples oldest first, and the all-time worst. */
    record Merged(List<long[]> samples, long max) {
    }

    /** The subcommands that read the latency samples: copied per shard, merged, then replied. */
    abstract static class EventsCommand implements ShardedCommand {
        @Override
        public Object onShard(Call call, Keyspace ks) {
            Map<String, Merged> copy = new LinkedHashMap<>();
            shard(ks).stats.latencyEvents.all().forEach((name, series) -> copy.put(name,
                new Merged(series.samples(), series.max())));
            return copy;
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            Map<String, TreeMap<Long, Long>> bySecond = new LinkedHashMap<>();
            Map<String, Long> max = new LinkedHashMap<>();
            for (Object p : parts) {
                @SuppressWarnings("unchecked")
                Map<String, Merged> part = (Map<String, Merged>) p;
                part.forEach((name, m) -> {
                    TreeMap<Long, Long> t = bySecond.computeIfAbsent(name, k -> new TreeMap<>());
                    for (long[] s : m.samples) {
                        t.merge(s[0], s[1], Math::max);
                    }
                    max.merge(name, m.max, Math::max);
                });
            }
            Map<String, Merged> merged = new LinkedHashMap<>();
            bySecond.forEach((name, t) -> {
                while (t.size() > LatencyEvents.HISTORY) {
                    t.pollFirstEntry();
                }
                List<long[]> samples = new ArrayList<>();
                t.forEach((sec, ms) -> samples.add(new long[] {sec, ms}));
                if (!samples.isEmpty()) {
                    merged.put(name, new Merged(samples, max.get(name)));
                }
            });
            reply(c, merged);
        }

        abstract void reply(Call c, Map<String, Merged> events);

        @Override
        public boolean atomic() {
            return false;
        }
    }

    /** LATENCY RESET [event ...]: the number of event classes removed (an event on several shards counts once). */
    static final class Reset implements ShardedCommand {
        @Override
        public Object onShard(Call c, Keyspace ks) {
            LatencyEvents events = shard(ks).stats.latencyEvents;
            List<String> gone = new ArrayList<>();
            if (c.argc() == 2) {
                gone.addAll(events.reset(null));
            } else {
                for (int i = 2; i < c.argc(); i++) {
                    for (String g : events.reset(c.argString(i))) {
                        // Redis counts once per argument that matched
                        gone.add(i + "\0" + g.toLowerCase(Locale.ROOT));
                    }
                }
            }
            return gone;
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            List<String> gone = FamilyUtil.joined(parts);
            c.reply().integer(new java.util.HashSet<>(gone).size());
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }

    /**
     * LATENCY HISTOGRAM [command ...]: per command, its calls and the cumulative count of calls at
     * most 1, 2, 4, 8 ... µs (powers of two nanoseconds from 1024), only the steps where the count
     * grows, as Redis's fillCommandCDF reports its HdrHistogram.
     */
    static final class Histogram implements ShardedCommand {
        @Override
        public Object onShard(Call c, Keyspace ks) {
            ShardStats mine = shard(ks).stats;
            Map<Integer, LatencyHistogram.Merged> copy = new LinkedHashMap<>();
            for (Command cmd : chosen(c)) {
                LatencyHistogram h = mine.histogram(cmd.id());
                if (h != null && h.count() > 0) {
                    copy.put(cmd.id(), new LatencyHistogram.Merged().add(h));
                }
            }
            return copy;
        }

        /** The commands asked for, in the order given (unknown names skipped, subcommands after their container), or every command. */
        private static List<Command> chosen(Call c) {
            var table = c.server.engine().commands();
            if (c.argc() == 2) {
                return table.all();
            }
            List<Command> out = new ArrayList<>();
            for (int i = 2; i < c.argc(); i++) {
                Command cmd = lookup(table, c.argString(i));
                if (cmd != null) {
                    // a container command brings its subcommands along (Redis's latencySpecificCommandsFillCDF)
                    out.add(cmd);
                    out.addAll(cmd.subcommands().values());
                }
            }
            return out;
        }

        /** A command by its full name, "get" or "config|get", case-insensitive (Redis's lookupCommandBySds). */
        static Command lookup(CommandTable table, String name) {
            String[] parts = name.toLowerCase(Locale.ROOT).split("\\|", -1);
            if (parts.length > 2) {
                return null;
            }
            Command top = table.lookup(parts[0]);
            if (top == null || parts.length == 1) {
                return top;
            }
            return top.subcommands().get(parts[1]);
        }

        @Override
        public void reply(Call c, List<Object> parts) {
            Map<Integer, LatencyHistogram.Merged> sum = new LinkedHashMap<>();
            for (Object p : parts) {
                @SuppressWarnings("unchecked")
                Map<Integer, LatencyHistogram.Merged> part = (Map<Integer, LatencyHistogram.Merged>) p;
                part.forEach((id, m) -> sum.merge(id, m, LatencyHistogram.Merged::plus));
            }
            List<Command> order = new ArrayList<>();
            for (Command cmd : chosen(c)) {
                if (sum.containsKey(cmd.id())) {
                    order.add(cmd);
                }
            }
            c.reply().map(order.size());
            for (Command cmd : order) {
                LatencyHistogram.Merged m = sum.get(cmd.id());
                c.reply().bulk(cmd.fullName());
                c.reply().map(2);
                c.reply().bulk("calls");
                c.reply().integer(m.count());
                c.reply().bulk("histogram_usec");
                List<long[]> steps = new ArrayList<>();
                long prev = 0;
                for (int k = 10; prev < m.count() && k <= 40; k++) {
                    long atMost = m.atMostPowerOfTwo(k);
                    if (atMost > prev) {
                        steps.add(new long[] {(1L << k) / 1000, atMost});
                    }
                    prev = atMost;
                }
                c.reply().map(steps.size());
                for (long[] s : steps) {
                    c.reply().integer(s[0]);
                    c.reply().integer(s[1]);
                }
            }
        }

        @Override
        public boolean atomic() {
            return false;
        }
    }
}
