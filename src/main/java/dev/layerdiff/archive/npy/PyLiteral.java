package dev.layerdiff.archive.npy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the Python literal subset that .npy headers use: dicts, tuples, lists, quoted
 * strings, integers, {@code True}, {@code False} and {@code None}. NumPy writes the header with
 * {@code repr()}; reading it must never mean evaluating it. Tuples and lists both become {@link List}s,
 * integers {@link BigInteger}s, {@code None} becomes {@link #NONE}.
 */
final class PyLiteral {
    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() { return "None"; }
    };

    private static final int MAX_DEPTH = 32;

    private final String text;
    private int pos;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** Parses one literal spanning all of {@code text} (surrounding whitespace allowed). */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("unexpected text after the literal");
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested deeper than " + MAX_DEPTH);
        skipSpace();
        if (pos >= text.length()) throw error("unexpected end");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return dict(depth);
            case '(': return sequence(depth, ')');
            case '[': return sequence(depth, ']');
            case '\'': case '"': return string();
            default:
                if (c == '-' || c == '+' || Character.isDigit(c)) return integer();
                if (text.startsWith("True", pos)) { pos += 4; return Boolean.TRUE; }
                if (text.startsWith("False", pos)) { pos += 5; return Boolean.FALSE; }
                if (text.startsWith("None", pos)) { pos += 4; return NONE; }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<Object, Object> dict(int depth) {
        pos++;
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
            skipSpace();
            if (peek() == '}') { pos++; return map; }
            Object key = value(depth + 1);
            skipSpace();
            expect(':');
            Object v = value(depth + 1);
            if (map.put(key, v) != null) throw error("duplicate key " + key);
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != '}') throw error("expected ',' or '}'");
        }
    }

    private List<Object> sequence(int depth, char close) {
        pos++;
        List<Object> list = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek() == close) { pos++; return list; }
            list.add(value(depth + 1));
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != close) throw error("expected ',' or '" + close + "'");
        }
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw error("unterminated string");
            char c = text.charAt(pos++);
            if (c == quote) return sb.toString();
            if (c == '\\') {
                if (pos >= text.length()) throw error("unterminated string");
                char e = text.charAt(pos++);
                switch (e) {
                    case '\\': case '\'': case '"': sb.append(e); break;
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    default: throw error("unsupported escape \\" + e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private BigInteger integer() {
        int start = pos;
        if (peek() == '-' || peek() == '+') pos++;
        int digits = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) pos++;
        if (pos == digits) throw error("expected digits");
        if (pos - digits > 40) throw error("integer too long");
        BigInteger v = new BigInteger(text.substring(start, pos));
        if (peek() == 'L') pos++; // Python 2 long suffix, as old NumPy wrote it
        return v;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
