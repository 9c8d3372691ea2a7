package io.ferrite.engine.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrite.store.Bytes;

import java.util.function.IntConsumer;

/**
 * Where a command's keys sit among its arguments, as a Redis key spec describes it: a begin-search
 * step (fixed index or keyword) and a find-keys step (range or key count).
 */
public final class KeySpec {
    private final int index;
    private final byte[] keyword;
    private final int keywordStart;
    private final boolean range;
    private final int lastKey;
    private final int step;
    private final int limit;
    private final int keyNumIdx;
    private final int firstKey;
    final boolean unknown;

    KeySpec(JsonNode json) {
        JsonNode bs = json.get("begin_search");
        JsonNode fk = json.get("find_keys");
        unknown = bs.has("unknown") || fk.has("unknown");
        if (bs.has("index")) {
            index = bs.get("index").get("pos").asInt();
            keyword = null;
            keywordStart = 0;
        } else if (bs.has("keyword")) {
            index = 0;
            keyword = Bytes.of(bs.get("keyword").get("keyword").asText().toLowerCase(java.util.Locale.ROOT));
            keywordStart = bs.get("keyword").get("startfrom").asInt();
        } else {
            index = 0;
            keyword = null;
            keywordStart = 0;
        }
        range = fk.has("range");
        if (range) {
            lastKey = fk.get("range").get("lastkey").asInt();
            step = fk.get("range").get("step").asInt();
            limit = fk.get("range").get("limit").asInt();
            keyNumIdx = 0;
            firstKey = 0;
        } else if (fk.has("keynum")) {
            keyNumIdx = fk.get("keynum").get("keynumidx").asInt();
            firstKey = fk.get("keynum").get("firstkey").asInt();
            step = fk.get("keynum").get("step").asInt();
            lastKey = 0;
            limit = 0;
        } else {
            lastKey = 0;
            step = 1;
            limit = 0;
            keyNumIdx = 0;
            firstKey = 0;
        }
    }

    boolean isKeyword() {
        return keyword != null;
    }

    boolean isKeyNum() {
        return !range && !unknown;
    }

    /** Reports each key position in {@code args}; returns false if the arguments do not fit the spec. */
    boolean positions(byte[][] args, int argc, IntConsumer sink) {
        if (unknown) {
            return true;
        }
        int start;
        if (keyword != null) {
            start = -1;
            if (keywordStart >= 0) {
                for (int i = keywordStart; i < argc; i++) {
                    if (Bytes.equalsIgnoreCase(keyword, args[i])) {
                        start = i + 1;
                        break;
                    }
                }
            } else {
                for (int i = argc + keywordStart; i > 0; i--) {
                    if (Bytes.equalsIgnoreCase(keyword, args[i])) {
                        start = i + 1;
                        break;
                    }
                }
            }
            if (start < 0) {
                return true;
            }
        } else {
            start = index;
        }
        if (start >= argc) {
            return true;
        }
        if (range) {
            int last;
            if (lastKey >= 0) {
                last = start + lastKey;
            } else if (limit == 0) {
                last = argc + lastKey;
            } else {
                last = start + ((argc - start) / limit + lastKey);
            }
            if (last >= argc || last < start) {
                return false;
            }
            for (int i = start; i <= last; i += step) {
                sink.accept(i);
            }
            return true;
        }
        Long n = Bytes.parseLongStrict(args[start + keyNumIdx]);
        if (n == null || n < 0) {
            return false;
        }
        int first = start + firstKey;
        // compared without computing the last position, which overflows for a huge count (LMPOP 9223372036854775807 ...)
        if (n > 0 && (first >= argc || n - 1 > (argc - 1 - first) / step)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            sink.accept(first + i * step);
        }
        return true;
    }
}
