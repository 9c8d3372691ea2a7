package io.ferrite.scripting;

import java.util.ArrayList;
import java.util.List;

/**
 * A shebang line split into words as Redis's sdssplitargs splits it: blanks separate words, and
 * double quotes (with C escapes) or single quotes group, anywhere in a word ({@code name="x"}).
 */
final class ShebangWords {
    private ShebangWords() {
    }

    /** The words, or null when a quote is not closed (sdssplitargs fails). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            StringBuilder w = new StringBuilder();
            char quote = 0;
            while (i < n) {
                char c = line.charAt(i);
                if (quote == 0) {
                    if (Character.isWhitespace(c)) {
                        break;
                    }
                    if (c == '"' || c == '\'') {
                        quote = c;
                    } else {
                        w.append(c);
                    }
                } else if (c == '\\' && quote == '"' && i + 1 < n) {
                    char e = line.charAt(++i);
                    w.append(switch (e) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        case 'b' -> '\b';
                        case 'a' -> (char) 7;
                        default -> e;
                    });
                } else if (c == '\\' && quote == '\'' && i + 1 < n && line.charAt(i + 1) == '\'') {
                    w.append('\'');
                    i++;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
                i++;
            }
            if (quote != 0) {
                return null;
            }
            out.add(w.toString());
        }
    }
}
