package io.ferrite.command.family;

import io.ferrite.testing.FerriteTest;
import io.ferrite.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.ferrite.testing.Replies.EMPTY_ARRAY;
import static io.ferrite.testing.Replies.NOT_INTEGER;
import static io.ferrite.testing.Replies.STRING_TOO_LONG;
import static io.ferrite.testing.Replies.SYNTAX;
import static io.ferrite.testing.Replies.WRONGTYPE;
import static io.ferrite.testing.Replies.arity;
import static io.ferrite.testing.Replies.bulk;
import static io.ferrite.testing.Replies.integer;
import static io.ferrite.command.family.StringFamilyTest.putNonString;
import static org.assertj.core.api.Assertions.assertThat;

class BitmapFamilyTest extends FerriteTest {
    private static final String BIT_OFFSET = "-ERR bit offset is not an integer or out of range\r\n";
    private static final String BIT_VALUE = "-ERR bit is not an integer or out of range\r\n";
    private static final String BAD_TYPE = "-ERR Invalid bitfield type. Use something like i16 u8. "
        + "Note that u64 is not supported but i64 is.\r\n";

    /** A bulk reply of raw bytes given as ISO-8859-1 text. */
    private static String bytes(int... b) {
        StringBuilder sb = new StringBuilder("$" + b.length + "\r\n");
        for (int x : b) {
            sb.append((char) x);
        }
        return sb.append("\r\n").toString();
    }

    private void setBytes(String key, int... b) {
        byte[] v = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = (byte) b[i];
        }
        try (var j = jedis()) {
            j.set(key.getBytes(StandardCharsets.UTF_8), v);
        }
    }

    // SETBIT GETBIT

    @Test
    void setbitAndGetbit() {
        RawClient r = raw();
        assertThat(r.call("SETBIT", "k", "7", "1")).isEqualTo(integer(0));
        assertThat(r.call("GET", "k")).isEqualTo(bytes(1));
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("raw"));
        assertThat(r.call("SETBIT", "k", "7", "1")).isEqualTo(integer(1));
        assertThat(r.call("SETBIT", "k", "7", "0")).isEqualTo(integer(1));
        assertThat(r.call("SETBIT", "k", "0", "1")).isEqualTo(integer(0));
        assertThat(r.call("SETBIT", "k", "100", "1")).isEqualTo(integer(0));
        assertThat(r.call("STRLEN", "k")).isEqualTo(integer(13));
        assertThat(r.call("GETBIT", "k", "0")).isEqualTo(integer(1));
        assertThat(r.call("GETBIT", "k", "7")).isEqualTo(integer(0));
        assertThat(r.call("GETBIT", "k", "100")).isEqualTo(integer(1));
        assertThat(r.call("GETBIT", "k", "101")).isEqualTo(integer(0));
        assertThat(r.call("GETBIT", "k", "99999999")).isEqualTo(integer(0));
        assertThat(r.call("GETBIT", "nope", "5")).isEqualTo(integer(0));
        r.call("SET", "t", "x", "EX", "100");
        r.call("SETBIT", "t", "3", "1");
        assertThat(r.call("TTL", "t")).isEqualTo(integer(100));
    }

    @Test
    void setbitOnIntegerString() {
        RawClient r = raw();
        r.call("SET", "n", "1");
        assertThat(r.call("GETBIT", "n", "7")).isEqualTo(integer(1));
        assertThat(r.call("GETBIT", "n", "2")).isEqualTo(integer(1));
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("int"));
        // an unchanged bit still turns the value raw, as Redis's dbUnshareStringValue does
        assertThat(r.call("SETBIT", "n", "7", "1")).isEqualTo(integer(1));
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("raw"));
        assertThat(r.call("SETBIT", "n", "6", "1")).isEqualTo(integer(0));
        assertThat(r.call("GET", "n")).isEqualTo(bulk("3"));
    }

    @Test
    void setbitErrors() throws Exception {
        RawClient r = raw();
        assertThat(r.call("SETBIT", "k", "-1", "1")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("SETBIT", "k", "abc", "1")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("SETBIT", "k", "#5", "1")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("SETBIT", "k", "4294967296", "0")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("SETBIT", "k", "1", "2")).isEqualTo(BIT_VALUE);
        assertThat(r.call("SETBIT", "k", "1", "-1")).isEqualTo(BIT_VALUE);
        assertThat(r.call("SETBIT", "k", "1", "abc")).isEqualTo(BIT_VALUE);
        assertThat(r.call("GETBIT", "k", "-1")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("GETBIT", "k", "4294967296")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("GETBIT", "nope", "abc")).isEqualTo(BIT_OFFSET);
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        putNonString(server, "lst");
        assertThat(r.call("SETBIT", "lst", "1", "1")).isEqualTo(WRONGTYPE);
        assertThat(r.call("GETBIT", "lst", "1")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITCOUNT", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITPOS", "lst", "1")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITFIELD", "lst", "GET", "u8", "0")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITFIELD", "lst", "SET", "u8", "0", "1")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITFIELD_RO", "lst", "GET", "u8", "0")).isEqualTo(WRONGTYPE);
        assertThat(r.call("BITOP", "AND", "d", "lst")).isEqualTo(WRONGTYPE);
        assertThat(r.call("TYPE", "lst")).isEqualTo("+list\r\n");
    }

    @Test
    void limitsFollowProtoMaxBulkLen() {
        io.ferrite.server.Server small = io.ferrite.testing.TestServers.start(shards,
            java.util.Map.of("proto-max-bulk-len", "1mb"));
        try (RawClient r = new RawClient("127.0.0.1", small.respPort())) {
            String tooLong = STRING_TOO_LONG;
            assertThat(r.call("SETBIT", "k", "8388608", "1")).isEqualTo(BIT_OFFSET);
            assertThat(r.call("BITFIELD", "k", "SET", "u8", "#1048576", "1")).isEqualTo(BIT_OFFSET);
            assertThat(r.call("SETBIT", "k", "8388607", "1")).isEqualTo(integer(0));
            assertThat(r.call("STRLEN", "k")).isEqualTo(integer(1048576));
            assertThat(r.call("APPEND", "k", "x")).isEqualTo(tooLong);
            assertThat(r.call("SETRANGE", "k", "1048575", "xy")).isEqualTo(tooLong);
            assertThat(r.call("SETRANGE", "k", "1048575", "x")).isEqualTo(integer(1048576));
            r.call("SETRANGE", "a", "600", "x");
            r.call("SETRANGE", "b", "600", "y");
            assertThat(r.call("LCS", "a", "b", "LEN"))
                .isEqualTo("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
            r.call("SETRANGE", "c", "400", "x");
            assertThat(r.call("LCS", "c", "c", "LEN")).isEqualTo(integer(401));
        } finally {
            small.close();
        }
    }

    // BITCOUNT

    @Test
    void bitcount() {
        RawClient r = raw();
        r.call("SET", "s", "foobar");
        assertThat(r.call("BITCOUNT", "s")).isEqualTo(integer(26));
        assertThat(r.call("BITCOUNT", "s", "0", "0")).isEqualTo(integer(4));
        assertThat(r.call("BITCOUNT", "s", "1", "1")).isEqualTo(integer(6));
        assertThat(r.call("BITCOUNT", "s", "1", "1", "BYTE")).isEqualTo(integer(6));
        assertThat(r.call("BITCOUNT", "s", "5", "30", "BIT")).isEqualTo(integer(17));
        assertThat(r.call("BITCOUNT", "s", "0", "-1", "bit")).isEqualTo(integer(26));
        assertThat(r.call("BITCOUNT", "s", "-5", "-1", "BIT")).isEqualTo(integer(2));
        assertThat(r.call("BITCOUNT", "s", "1", "3", "BIT")).isEqualTo(integer(2));
        assertThat(r.call("BITCOUNT", "s", "9", "14", "BIT")).isEqualTo(integer(5));
        assertThat(r.call("BITCOUNT", "s", "46", "47", "BIT")).isEqualTo(integer(1));
        assertThat(r.call("BITCOUNT", "s", "-100", "-1")).isEqualTo(integer(26));
        assertThat(r.call("BITCOUNT", "s", "10", "5")).isEqualTo(integer(0));
        assertThat(r.call("BITCOUNT", "nope")).isEqualTo(integer(0));
        r.call("SET", "big", "a".repeat(72));
        assertThat(r.call("BITCOUNT", "big")).isEqualTo(integer(216));
        assertThat(r.call("BITCOUNT", "big", "3", "60")).isEqualTo(integer(174));
    }

    @Test
    void bitcountErrors() {
        RawClient r = raw();
        r.call("SET", "s", "foobar");
        assertThat(r.call("BITCOUNT", "s", "0")).isEqualTo(SYNTAX);
        assertThat(r.call("BITCOUNT", "s", "0", "1", "FOO")).isEqualTo(SYNTAX);
        assertThat(r.call("BITCOUNT", "s", "0", "1", "BIT", "x")).isEqualTo(SYNTAX);
        assertThat(r.call("BITCOUNT", "s", "a", "b")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITCOUNT", "s", "0", "b")).isEqualTo(NOT_INTEGER);
        // Redis 7.0 checks the range only after finding the key, and an inverted negative range first
        assertThat(r.call("BITCOUNT", "s", "-1", "-2", "FOO")).isEqualTo(integer(0));
        assertThat(r.call("BITCOUNT", "nope", "0")).isEqualTo(integer(0));
        assertThat(r.call("BITCOUNT", "nope", "a", "b", "c")).isEqualTo(integer(0));
    }

    // BITPOS

    @Test
    void bitpos() {
        RawClient r = raw();
        setBytes("s", 0xff, 0xf0, 0x00);
        assertThat(r.call("BITPOS", "s", "0")).isEqualTo(integer(12));
        assertThat(r.call("BITPOS", "s", "1")).isEqualTo(integer(0));
        assertThat(r.call("BITPOS", "s", "0", "1")).isEqualTo(integer(12));
        assertThat(r.call("BITPOS", "s", "1", "2")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "s", "1", "2", "-1", "BYTE")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "s", "0", "0", "-1")).isEqualTo(integer(12));
        assertThat(r.call("BITPOS", "s", "1", "7", "15", "BIT")).isEqualTo(integer(7));
        assertThat(r.call("BITPOS", "s", "0", "7", "15", "BIT")).isEqualTo(integer(12));
        assertThat(r.call("BITPOS", "s", "0", "0", "10", "BIT")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "s", "1", "20", "23", "BIT")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "s", "0", "20", "23", "bit")).isEqualTo(integer(20));
        assertThat(r.call("BITPOS", "s", "0", "12", "13", "BIT")).isEqualTo(integer(12));
        assertThat(r.call("BITPOS", "s", "1", "11", "12", "BIT")).isEqualTo(integer(11));
        assertThat(r.call("BITPOS", "s", "1", "-100", "100")).isEqualTo(integer(0));
        assertThat(r.call("BITPOS", "s", "1", "5", "2")).isEqualTo(integer(-1));
        setBytes("o", 0xff, 0xff, 0xff);
        assertThat(r.call("BITPOS", "o", "0")).isEqualTo(integer(24));
        assertThat(r.call("BITPOS", "o", "0", "1")).isEqualTo(integer(24));
        assertThat(r.call("BITPOS", "o", "0", "0", "-1")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "o", "0", "0", "23", "BIT")).isEqualTo(integer(-1));
        setBytes("z", 0, 0, 0);
        assertThat(r.call("BITPOS", "z", "1")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "z", "0")).isEqualTo(integer(0));
        assertThat(r.call("BITPOS", "nope", "1")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "nope", "0")).isEqualTo(integer(0));
        r.call("SET", "e", "");
        assertThat(r.call("BITPOS", "e", "0")).isEqualTo(integer(-1));
        assertThat(r.call("BITPOS", "e", "1")).isEqualTo(integer(-1));
    }

    @Test
    void bitposErrors() {
        RawClient r = raw();
        r.call("SET", "s", "abc");
        assertThat(r.call("BITPOS", "s", "2")).isEqualTo("-ERR The bit argument must be 1 or 0.\r\n");
        assertThat(r.call("BITPOS", "nope", "2")).isEqualTo("-ERR The bit argument must be 1 or 0.\r\n");
        assertThat(r.call("BITPOS", "s", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITPOS", "s", "1", "a")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITPOS", "s", "1", "0", "a")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITPOS", "s", "0", "3", "BIT")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITPOS", "s", "1", "0", "1", "FOO")).isEqualTo(SYNTAX);
        assertThat(r.call("BITPOS", "s", "1", "a", "b", "FOO")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITPOS", "s", "1", "0", "b", "FOO")).isEqualTo(SYNTAX);
        assertThat(r.call("BITPOS", "s", "1", "0", "1", "BIT", "x")).isEqualTo(SYNTAX);
        assertThat(r.call("BITPOS", "nope", "1", "a")).isEqualTo(integer(-1));
    }

    // BITOP

    @Test
    void bitopOperations() {
        RawClient r = raw();
        setBytes("a", 0x0f, 0xf0);
        setBytes("b", 0xff);
        setBytes("c", 0x00, 0x01, 0x02);
        assertThat(r.call("BITOP", "AND", "dest", "a", "b")).isEqualTo(integer(2));
        assertThat(r.call("GET", "dest")).isEqualTo(bytes(0x0f, 0x00));
        assertThat(r.call("OBJECT", "ENCODING", "dest")).isEqualTo(bulk("raw"));
        assertThat(r.call("BITOP", "OR", "dest", "a", "b", "c")).isEqualTo(integer(3));
        assertThat(r.call("GET", "dest")).isEqualTo(bytes(0xff, 0xf1, 0x02));
        assertThat(r.call("BITOP", "xor", "dest", "a", "b", "c")).isEqualTo(integer(3));
        assertThat(r.call("GET", "dest")).isEqualTo(bytes(0xf0, 0xf1, 0x02));
        assertThat(r.call("BITOP", "NOT", "dest", "a")).isEqualTo(integer(2));
        assertThat(r.call("GET", "dest")).isEqualTo(bytes(0xf0, 0x0f));
        assertThat(r.call("BITOP", "AND", "dest", "a", "nope")).isEqualTo(integer(2));
        assertThat(r.call("GET", "dest")).isEqualTo(bytes(0, 0));
        assertThat(r.call("BITOP", "OR", "a", "a", "c")).isEqualTo(integer(3));
        assertThat(r.call("GET", "a")).isEqualTo(bytes(0x0f, 0xf1, 0x02));
        r.call("SET", "n", "12");
        assertThat(r.call("BITOP", "NOT", "d4", "n")).isEqualTo(integer(2));
        assertThat(r.call("GET", "d4")).isEqualTo(bytes(0xce, 0xcd));
    }

    @Test
    void bitopEmptyResultDeletesAndTtlIsDropped() {
        RawClient r = raw();
        r.call("SET", "dest", "x");
        assertThat(r.call("BITOP", "AND", "dest", "nope", "nope2")).isEqualTo(integer(0));
        assertThat(r.call("EXISTS", "dest")).isEqualTo(integer(0));
        r.call("SET", "e", "");
        r.call("SET", "dest", "x");
        assertThat(r.call("BITOP", "NOT", "dest", "e")).isEqualTo(integer(0));
        assertThat(r.call("EXISTS", "dest")).isEqualTo(integer(0));
        r.call("SET", "src", "ab");
        r.call("SET", "dest", "x", "EX", "100");
        assertThat(r.call("BITOP", "OR", "dest", "src")).isEqualTo(integer(2));
        assertThat(r.call("TTL", "dest")).isEqualTo(integer(-1));
        assertThat(r.call("GET", "dest")).isEqualTo(bulk("ab"));
    }

    @Test
    void bitopAcrossShards() {
        RawClient r = raw();
        r.call("MSET", "a", "abc", "b", "bcd", "c", "cde", "d", "def", "e", "efg", "f", "fgh", "g", "ghi");
        assertThat(r.call("BITOP", "XOR", "h", "a", "b", "c", "d", "e", "f", "g")).isEqualTo(integer(3));
        byte[] expect = new byte[3];
        for (String s : new String[] {"abc", "bcd", "cde", "def", "efg", "fgh", "ghi"}) {
            for (int i = 0; i < 3; i++) {
                expect[i] ^= (byte) s.charAt(i);
            }
        }
        try (var j = jedis()) {
            assertThat(j.get("h".getBytes())).isEqualTo(expect);
        }
        assertThat(r.call("BITOP", "AND", "x", "a", "b", "c", "d", "e", "f", "g")).isEqualTo(integer(3));
        assertThat(r.call("GET", "x")).isEqualTo(bytes('a' & 'b' & 'c' & 'd' & 'e' & 'f' & 'g',
            'b' & 'c' & 'd' & 'e' & 'f' & 'g' & 'h', 'c' & 'd' & 'e' & 'f' & 'g' & 'h' & 'i'));
        assertThat(r.call("BITOP", "AND", "a", "nope1", "nope2", "nope3")).isEqualTo(integer(0));
        assertThat(r.call("EXISTS", "a")).isEqualTo(integer(0));
        assertThat(r.call("BITCOUNT", "h")).isEqualTo(integer(Long.bitCount(((expect[0] & 0xff) << 16)
            | ((expect[1] & 0xff) << 8) | (expect[2] & 0xff))));
    }

    @Test
    void bitopErrors() {
        RawClient r = raw();
        r.call("SET", "a", "x");
        assertThat(r.call("BITOP", "NOT", "dest", "a", "b"))
            .isEqualTo("-ERR BITOP NOT must be called with a single source key.\r\n");
        assertThat(r.call("BITOP", "FOO", "dest", "a")).isEqualTo(SYNTAX);
        assertThat(r.call("BITOP", "AND", "dest"))
            .isEqualTo(arity("bitop"));
        assertThat(r.call("EXISTS", "dest")).isEqualTo(integer(0));
    }

    // BITFIELD

    @Test
    void bitfieldBasics() {
        RawClient r = raw();
        assertThat(r.call("BITFIELD", "k")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("BITFIELD", "k", "GET", "u8", "0")).isEqualTo("*1\r\n:0\r\n");
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        assertThat(r.call("BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0")).isEqualTo("*2\r\n:0\r\n:255\r\n");
        assertThat(r.call("GET", "k")).isEqualTo(bytes(0xff));
        assertThat(r.call("OBJECT", "ENCODING", "k")).isEqualTo(bulk("raw"));
        assertThat(r.call("BITFIELD", "k", "INCRBY", "u8", "0", "10")).isEqualTo("*1\r\n:9\r\n");
        assertThat(r.call("BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000")).isEqualTo("*1\r\n:255\r\n");
        assertThat(r.call("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000")).isEqualTo("*1\r\n$-1\r\n");
        assertThat(r.call("BITFIELD", "k", "overflow", "wrap", "incrby", "u8", "0", "-1000")).isEqualTo("*1\r\n:23\r\n");
        assertThat(r.call("BITFIELD", "k", "SET", "i8", "#2", "-5", "GET", "i8", "#2", "GET", "u8", "#2"))
            .isEqualTo("*3\r\n:0\r\n:-5\r\n:251\r\n");
        assertThat(r.call("GET", "k")).isEqualTo(bytes(0x17, 0x00, 0xfb));
    }

    @Test
    void bitfieldSignedAndOverflow() {
        RawClient r = raw();
        assertThat(r.call("BITFIELD", "s", "SET", "i8", "0", "127", "INCRBY", "i8", "0", "1"))
            .isEqualTo("*2\r\n:0\r\n:-128\r\n");
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i8", "0", "127", "INCRBY", "i8", "0", "1",
            "INCRBY", "i8", "0", "-300")).isEqualTo("*3\r\n:-128\r\n:127\r\n:-128\r\n");
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "FAIL", "SET", "i8", "0", "200", "SET", "i8", "0", "-129",
            "SET", "i8", "0", "-128")).isEqualTo("*3\r\n$-1\r\n$-1\r\n:-128\r\n");
        assertThat(r.call("BITFIELD", "s", "SET", "i8", "0", "200", "SET", "i8", "0", "-129"))
            .isEqualTo("*2\r\n:-128\r\n:-56\r\n");
        assertThat(r.call("BITFIELD", "s", "GET", "i8", "0")).isEqualTo("*1\r\n:127\r\n");
        assertThat(r.call("BITFIELD", "s", "SET", "u8", "0", "-1", "GET", "u8", "0")).isEqualTo("*2\r\n:127\r\n:255\r\n");
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0"))
            .isEqualTo("*2\r\n:255\r\n:255\r\n");
        assertThat(r.call("BITFIELD", "s", "SET", "i64", "0", "-1", "GET", "i64", "0", "GET", "u63", "0", "GET", "u63", "1"))
            .isEqualTo("*4\r\n:-72057594037927936\r\n:-1\r\n:9223372036854775807\r\n:9223372036854775807\r\n");
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "SAT", "SET", "i64", "0", "9223372036854775807",
            "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0", "-9223372036854775808",
            "INCRBY", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-9223372036854775808"))
            .isEqualTo("*5\r\n:-1\r\n:9223372036854775807\r\n:-1\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n");
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "WRAP", "SET", "i64", "0", "9223372036854775807",
            "INCRBY", "i64", "0", "1")).isEqualTo("*2\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n");
        assertThat(r.call("BITFIELD", "w", "OVERFLOW", "WRAP", "INCRBY", "u4", "0", "100", "INCRBY", "i4", "0", "100",
            "INCRBY", "u4", "0", "-100", "INCRBY", "i4", "0", "-100"))
            .isEqualTo("*4\r\n:4\r\n:-8\r\n:4\r\n:0\r\n");
        assertThat(r.call("BITFIELD", "t", "OVERFLOW", "SAT", "INCRBY", "u4", "0", "100", "INCRBY", "i4", "0", "100",
            "INCRBY", "u4", "0", "-100", "INCRBY", "i4", "0", "-100"))
            .isEqualTo("*4\r\n:15\r\n:7\r\n:0\r\n:-8\r\n");
    }

    @Test
    void bitfieldUnalignedAndGrowth() {
        RawClient r = raw();
        assertThat(r.call("BITFIELD", "s", "SET", "u3", "5", "7", "GET", "u3", "5", "GET", "u5", "3", "GET", "i3", "5",
            "SET", "i5", "13", "-7", "GET", "i5", "13", "GET", "u16", "0"))
            .isEqualTo("*7\r\n:0\r\n:7\r\n:7\r\n:-1\r\n:0\r\n:-7\r\n:1798\r\n");
        assertThat(r.call("BITFIELD", "s", "SET", "u1", "100", "1", "GET", "u1", "100", "GET", "u8", "96"))
            .isEqualTo("*3\r\n:0\r\n:1\r\n:8\r\n");
        assertThat(r.call("STRLEN", "s")).isEqualTo(integer(13));
        // a write that fails still sizes the string, as Redis does
        assertThat(r.call("BITFIELD", "s", "OVERFLOW", "FAIL", "INCRBY", "u2", "200", "5")).isEqualTo("*1\r\n$-1\r\n");
        assertThat(r.call("STRLEN", "s")).isEqualTo(integer(26));
        assertThat(r.call("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "999")).isEqualTo("*1\r\n$-1\r\n");
        assertThat(r.call("GET", "f")).isEqualTo(bytes(0));
        r.call("SET", "n", "12");
        assertThat(r.call("BITFIELD", "n", "GET", "u8", "0", "GET", "u16", "0", "GET", "i64", "4", "GET", "u8", "16"))
            .isEqualTo("*4\r\n:49\r\n:12594\r\n:1378101485975371776\r\n:0\r\n");
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("int"));
        assertThat(r.call("BITFIELD", "n", "SET", "u8", "0", "49")).isEqualTo("*1\r\n:49\r\n");
        assertThat(r.call("OBJECT", "ENCODING", "n")).isEqualTo(bulk("raw"));
        assertThat(r.call("GET", "n")).isEqualTo(bulk("12"));
    }

    @Test
    void bitfieldErrors() {
        RawClient r = raw();
        r.call("SET", "k", "x");
        assertThat(r.call("BITFIELD", "k", "OVERFLOW", "BOGUS", "INCRBY", "u8", "0", "1"))
            .isEqualTo("-ERR Invalid OVERFLOW type specified\r\n");
        assertThat(r.call("BITFIELD", "k", "OVERFLOW")).isEqualTo(SYNTAX);
        assertThat(r.call("BITFIELD", "k", "GET", "u8")).isEqualTo(SYNTAX);
        assertThat(r.call("BITFIELD", "k", "SET", "u8", "0")).isEqualTo(SYNTAX);
        assertThat(r.call("BITFIELD", "k", "FOO")).isEqualTo(SYNTAX);
        for (String t : new String[] {"U8", "u64", "i65", "i0", "x8", "i", "i08", "u-1", ""}) {
            assertThat(r.call("BITFIELD", "k", "GET", t, "0")).as(t).isEqualTo(BAD_TYPE);
        }
        assertThat(r.call("BITFIELD", "k", "GET", "u63", "0")).isEqualTo("*1\r\n:4323455642275676160\r\n");
        assertThat(r.call("BITFIELD", "k", "GET", "i64", "0")).isEqualTo("*1\r\n:8646911284551352320\r\n");
        for (String off : new String[] {"-1", "abc", "#-1", "##1", "4294967296", "#536870912"}) {
            assertThat(r.call("BITFIELD", "k", "GET", "u8", off)).as(off).isEqualTo(BIT_OFFSET);
        }
        assertThat(r.call("BITFIELD", "k", "GET", "u8", "#536870911")).isEqualTo("*1\r\n:0\r\n");
        assertThat(r.call("BITFIELD", "k", "SET", "i8", "0", "abc")).isEqualTo(NOT_INTEGER);
        assertThat(r.call("BITFIELD", "k", "INCRBY", "i8", "0", "1.5")).isEqualTo(NOT_INTEGER);
        // the whole command is checked before anything runs
        assertThat(r.call("BITFIELD", "k", "SET", "u8", "0", "65", "GET", "u64", "0")).isEqualTo(BAD_TYPE);
        assertThat(r.call("GET", "k")).isEqualTo(bulk("x"));
    }

    @Test
    void bitfieldRo() {
        RawClient r = raw();
        assertThat(r.call("BITFIELD_RO", "k", "GET", "u8", "0")).isEqualTo("*1\r\n:0\r\n");
        assertThat(r.call("BITFIELD_RO", "k", "SET", "u8", "0", "1"))
            .isEqualTo("-ERR BITFIELD_RO only supports the GET subcommand\r\n");
        assertThat(r.call("BITFIELD_RO", "k", "INCRBY", "u8", "0", "1"))
            .isEqualTo("-ERR BITFIELD_RO only supports the GET subcommand\r\n");
        assertThat(r.call("BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", "0")).isEqualTo("*1\r\n:0\r\n");
        assertThat(r.call("BITFIELD_RO", "k")).isEqualTo(EMPTY_ARRAY);
        assertThat(r.call("BITFIELD_RO", "k", "FOO")).isEqualTo(SYNTAX);
        assertThat(r.call("BITFIELD_RO", "k", "GET", "u64", "0")).isEqualTo(BAD_TYPE);
        assertThat(r.call("EXISTS", "k")).isEqualTo(integer(0));
        r.call("SET", "k", "hello");
        assertThat(r.call("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i8", "8", "GET", "u16", "#1", "GET", "i64", "0",
            "GET", "u8", "1000")).isEqualTo("*5\r\n:104\r\n:101\r\n:27756\r\n:7522537965566820352\r\n:0\r\n");
    }

    private long dirty() {
        String info = redis.info("persistence");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rdb_changes_since_last_save:(\\d+)").matcher(info);
        assertThat(m.find()).as(info).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Redis's bitops test: SETBIT and BITFIELD count a change only when they made, grew or changed the string. */
    @Test
    void setbitAndBitfieldCountChangesOnlyWhenTheValueChanged() {
        RawClient c = raw();
        long d0 = dirty();
        c.call("SETBIT", "foo", "0", "0");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "0");
        long d1 = dirty();
        assertThat(d1).isEqualTo(d0 + 2);
        c.call("SETBIT", "foo", "0", "0");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "0");
        assertThat(dirty()).isEqualTo(d1);
        c.call("SETBIT", "foo", "0", "1");
        c.call("SETBIT", "foo", "0", "1");
        c.call("SETBIT", "foo", "0", "0");
        c.call("SETBIT", "foo", "0", "0");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "1");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "1");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "0");
        c.call("BITFIELD", "foo2", "SET", "i5", "0", "0");
        long d2 = dirty();
        assertThat(d2).isEqualTo(d1 + 4);
        c.call("BITFIELD", "foo3", "INCRBY", "i5", "0", "1");
        c.call("BITFIELD", "foo3", "INCRBY", "i5", "0", "1");
        long d3 = dirty();
        assertThat(d3).isEqualTo(d2 + 2);
        c.call("SETBIT", "foo", "90", "0");
        c.call("BITFIELD", "foo2", "SET", "i5", "90", "0");
        long d4 = dirty();
        assertThat(d4).isEqualTo(d3 + 2);
        // one BITFIELD changing two fields counts two, as Redis's server.dirty += changes
        c.call("BITFIELD", "foo2", "SET", "u8", "0", "255", "SET", "u8", "8", "255", "GET", "u8", "0");
        assertThat(dirty()).isEqualTo(d4 + 2);
    }

    /** Redis 7.0.15 sends BITFIELD's "setbit" event only when a field changed. */
    @Test
    void bitfieldThatChangesNothingSendsNoEvent() throws Exception {
        redis.configSet("notify-keyspace-events", "KA");
        try {
            RawClient c = raw();
            RawClient sub = raw();
            c.call("BITFIELD", "bf", "SET", "u8", "0", "7");
            sub.call("SUBSCRIBE", "__keyspace@0__:bf");
            c.call("BITFIELD", "bf", "SET", "u8", "0", "7");
            c.call("BITFIELD", "bf", "SET", "u8", "0", "8");
            assertThat(sub.readReply()).contains("setbit");
            c.call("SETBIT", "bf", "0", "0");
            c.call("SETBIT", "bf", "0", "1");
            assertThat(sub.readReply()).contains("setbit");
            c.call("PUBLISH", "__keyspace@0__:bf", "marker");
            assertThat(sub.readReply()).contains("marker");
        } finally {
            redis.configSet("notify-keyspace-events", "");
        }
    }
}
