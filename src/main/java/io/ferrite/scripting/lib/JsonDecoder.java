package io.ferrite.scripting.lib;

import io.ferrite.store.zset.FloatParse;

import java.util.ArrayDeque;

/**
 * cjson.decode's tokenizer and parser (lua_cjson.c), without Java recursion. The input reads as
 * the C string it is to the C code: a NUL byte ends it. Errors carry Redis's texts and 1-based
 * positions ("Expected value but found invalid token at character 1"); numbers go through strtod,
 * so with decode_invalid_numbers on (the default) hex, inf and nan are read too; nesting past
 * decode_max_depth, or past what lua_checkstack grants, is refused at the same character.
 */
final class JsonDecoder {
    private static final int T_OBJ_BEGIN = 0;
    private static final int T_OBJ_END = 1;
    private static final int T_ARR_BEGIN = 2;
    private static final int T_ARR_END = 3;
    private static final int T_STRING = 4;
    private static final int T_NUMBER = 5;
    private static final int T_BOOLEAN = 6;
    private static final int T_NULL = 7;
    private static final int T_COLON = 8;
    private static final int T_COMMA = 9;
    private static final int T_END = 10;
    private static final int T_ERROR = 12;
    private static final String[] NAMES = {
        "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN",
        "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
    };

    final DecodedTree tree = new DecodedTree();
    private final byte[] s;
    private final CjsonConfig cfg;
    private final ByteSink text = new ByteSink();
    private int ptr;
    private int depth;
    /** Lua stack slots the C decoder would be using (the input string, open tables, pending keys). */
    private int used = 1;

    private int type;
    private int index;
    private String error;
    private Object value;

    private final boolean utf16;

    /** The C code reads its input as a C string: nothing after a NUL byte is ever seen. */
    JsonDecoder(byte[] input, CjsonConfig cfg) {
        this.utf16 = input.length >= 2 && (input[0] == 0 || input[1] == 0);
        this.s = CNumbers.cString(input);
        this.cfg = cfg;
    }

    private int at(int i) {
        return i < s.length ? s[i] & 0xff : 0;
    }

    /** The whole document: one value, then nothing but whitespace. */
    Object decode() {
        if (utf16) {
            throw LuaError.located("JSON parser does not support UTF-16 or UTF-32");
        }
        nextToken();
        Object v = value();
        nextToken();
        if (type != T_END) {
            throw expected("the end");
        }
        return v;
    }

    /** A table being filled, with its pending key when it is an object. */
    private record Open(DecodedTree.Table table, Object[] key) {
    }

    private Object value() {
        ArrayDeque<Open> open = new ArrayDeque<>();
        while (true) {
            Object v;
            switch (type) {
                case T_STRING, T_NUMBER, T_BOOLEAN, T_NULL -> v = value;
                case T_OBJ_BEGIN -> {
                    descend(3);
                    DecodedTree.Table t = new DecodedTree.Table(false);
                    nextToken();
                    if (type == T_OBJ_END) {
                        depth--;
                        v = t;
                    } else {
                        Open o = new Open(t, new Object[1]);
                        open.push(o);
                        key(o);
                        continue;
                    }
                }
                case T_ARR_BEGIN -> {
                    descend(2);
                    DecodedTree.Table t = new DecodedTree.Table(true);
                    nextToken();
                    if (type == T_ARR_END) {
                        depth--;
                        v = t;
                    } else {
                        open.push(new Open(t, null));
                        continue;
                    }
                }
                default -> throw expected("value");
            }
            // v is complete: store it in its table, then close every table that ends here
            while (true) {
                Open o = open.peek();
                if (o == null) {
                    return v;
                }
                if (o.key() != null) {
                    o.table().items.add(o.key()[0]);
                    used--;
                }
                o.table().items.add(v);
                if (v instanceof DecodedTree.Table) {
                    used--;
                }
                nextToken();
                boolean object = o.key() != null;
                if (type == (object ? T_OBJ_END : T_ARR_END)) {
                    depth--;
                    open.pop();
                    v = o.table();
                    continue;
                }
                if (type != T_COMMA) {
                    throw expected(object ? "comma or object end" : "comma or array end");
                }
                nextToken();
                if (object) {
                    key(o);
                }
                break;
            }
        }
    }

    /** An object key and its colon; leaves the value's first token read. */
    private void key(Open o) {
        if (type != T_STRING) {
            throw expected("object key string");
        }
        o.key()[0] = value;
        used++;
        nextToken();
        if (type != T_COLON) {
            throw expected("colon");
        }
        nextToken();
    }

    private void descend(int slots) {
        depth++;
        if (depth > cfg.decodeMaxDepth || used + slots > CallFrame.MAX_C_STACK) {
            throw LuaError.located("Found too many nested data structures (" + depth + ") at character " + ptr);
        }
        used++; // the new table
    }

    private LuaError expected(String what) {
        String found = type == T_ERROR ? error : NAMES[type];
        return LuaError.located("Expected " + what + " but found " + found + " at character " + (index + 1));
    }

    private void tokenError(String what) {
        type = T_ERROR;
        index = ptr;
        error = what;
    }

    private void nextToken() {
        int ch;
        while ((ch = at(ptr)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            ptr++;
        }
        index = ptr;
        switch (ch) {
            case '{' -> single(T_OBJ_BEGIN);
            case '}' -> single(T_OBJ_END);
            case '[' -> single(T_ARR_BEGIN);
            case ']' -> single(T_ARR_END);
            case ',' -> single(T_COMMA);
            case ':' -> single(T_COLON);
            case 0 -> type = T_END;
            case '"' -> stringToken();
            default -> {
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                    if (!cfg.decodeInvalidNumbers && isInvalidNumber()) {
                        tokenError("invalid number");
                    } else {
                        numberToken();
                    }
                } else if (ch != 'f' && ch != 'i' && ch != 'I' && ch != 'n' && ch != 'N' && ch != 't' && ch != '+') {
                    tokenError("invalid token");
                } else if (startsWith("true")) {
                    literal(T_BOOLEAN, Boolean.TRUE, 4);
                } else if (startsWith("false")) {
                    literal(T_BOOLEAN, Boolean.FALSE, 5);
                } else if (startsWith("null")) {
                    literal(T_NULL, DecodedTree.NULL_POINTER, 4);
                } else if (cfg.decodeInvalidNumbers && isInvalidNumber()) {
                    numberToken();
                } else {
                    tokenError("invalid token");
                }
            }
        }
    }

    private void single(int t) {
        type = t;
        ptr++;
    }

    private void literal(int t, Object v, int len) {
        type = t;
        value = v;
        ptr += len;
    }

    private boolean startsWith(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (at(ptr + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWithIgnoreCase(int p, String word) {
        for (int i = 0; i < word.length(); i++) {
            int c = at(p + i);
            if (c == 0 || (c | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** json_is_invalid_number: what strtod reads but strict JSON does not (+, hex, leading zeros, inf, nan). */
    private boolean isInvalidNumber() {
        int p = ptr;
        if (at(p) == '+') {
            return true;
        }
        if (at(p) == '-') {
            p++;
        }
        int ch = at(p);
        if (ch == '0') {
            int ch2 = at(p + 1);
            return (ch2 | 0x20) == 'x' || (ch2 >= '0' && ch2 <= '9');
        } else if (ch <= '9') {
            return false;
        }
        return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
    }

    private void numberToken() {
        FloatParse.Result r = FloatParse.strtod(s, ptr);
        if (r.end() == ptr) {
            tokenError("invalid number");
            return;
        }
        type = T_NUMBER;
        value = CNumbers.value(s, ptr, r);
        ptr = r.end();
    }

    private void stringToken() {
        ptr++;
        text.reset();
        int ch;
        while ((ch = at(ptr)) != '"') {
            if (ch == 0) {
                tokenError("unexpected end of string");
                return;
            }
            if (ch == '\\') {
                int esc = at(ptr + 1);
                int out;
                switch (esc) {
                    case '"', '\\', '/' -> out = esc;
                    case 'b' -> out = '\b';
                    case 't' -> out = '\t';
                    case 'n' -> out = '\n';
                    case 'f' -> out = '\f';
                    case 'r' -> out = '\r';
                    case 'u' -> {
                        if (!unicodeEscape()) {
                            tokenError("invalid unicode escape code");
                            return;
                        }
                        continue;
                    }
                    default -> {
                        tokenError("invalid escape code");
                        return;
                    }
                }
                ptr++;
                ch = out;
            }
            text.write(ch);
            ptr++;
        }
        ptr++;
        type = T_STRING;
        value = tree.string(text.toArray());
    }

    private int hex4(int p) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(at(p + i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** A \\uXXXX escape (a surrogate pair takes two) appended as UTF-8. */
    private boolean unicodeEscape() {
        int codepoint = hex4(ptr + 2);
        int escapeLen = 6;
        if (codepoint < 0) {
            return false;
        }
        if ((codepoint & 0xF800) == 0xD800) {
            if ((codepoint & 0x400) != 0) {
                return false;
            }
            if (at(ptr + 6) != '\\' || at(ptr + 7) != 'u') {
                return false;
            }
            int low = hex4(ptr + 8);
            if (low < 0 || (low & 0xFC00) != 0xDC00) {
                return false;
            }
            codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            escapeLen = 12;
        }
        if (codepoint <= 0x7F) {
            text.write(codepoint);
        } else if (codepoint <= 0x7FF) {
            text.write((codepoint >> 6) | 0xC0);
            text.write((codepoint & 0x3F) | 0x80);
        } else if (codepoint <= 0xFFFF) {
            text.write((codepoint >> 12) | 0xE0);
            text.write(((codepoint >> 6) & 0x3F) | 0x80);
            text.write((codepoint & 0x3F) | 0x80);
        } else {
            text.write((codepoint >> 18) | 0xF0);
            text.write(((codepoint >> 12) & 0x3F) | 0x80);
            text.write(((codepoint >> 6) & 0x3F) | 0x80);
            text.write((codepoint & 0x3F) | 0x80);
        }
        ptr += escapeLen;
        return true;
    }
}
