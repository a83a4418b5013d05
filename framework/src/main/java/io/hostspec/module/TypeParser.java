package io.hostspec.module;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The recursive-descent parser of a type's written form, behind {@link Types#parse(String)}. Kept apart from the type
 * implementations because the grammar changes for different reasons than merging does.
 */
final class TypeParser {
    private final String text;
    private int pos;

    /**
     * Parses a whole written type; trailing text is an error.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    static Type parse(String text) {
        TypeParser p = new TypeParser(text);
        Type t = p.type();
        p.skipSpace();
        if (!p.atEnd()) {
            throw new IllegalArgumentException("unexpected `" + text.substring(p.pos) + "' in type `" + text + "'");
        }
        return t;
    }

    private TypeParser(String text) {
        this.text = text;
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private Type type() {
        skipSpace();
        if (!atEnd() && text.charAt(pos) == '(') {
            pos++;
            Type inner = type();
            skipSpace();
            expect(')');
            return inner;
        }
        String word = word();
        return switch (word) {
            case "bool" -> Types.bool();
            case "int" -> Types.integer();
            case "str" -> Types.str();
            case "port" -> Types.port();
            case "path" -> Types.path();
            case "lines" -> Types.lines();
            case "package" -> Types.pkg();
            case "anything" -> Types.anything();
            case "nullOr" -> Types.nullOr(type());
            case "listOf" -> Types.listOf(type());
            case "attrsOf" -> Types.attrsOf(type());
            case "enum" -> Types.enumOf(items());
            default -> throw new IllegalArgumentException("unknown type `" + word + "' in `" + text
                    + "'; known: bool, int, str, port, path, lines, package, anything, enum [..], nullOr T, "
                    + "listOf T, attrsOf T");
        };
    }

    private List<String> items() {
        skipSpace();
        expect('[');
        Set<String> out = new LinkedHashSet<>();
        while (true) {
            skipSpace();
            if (!atEnd() && text.charAt(pos) == ']') {
                pos++;
                break;
            }
            if (!atEnd() && text.charAt(pos) == '"') {
                int end = text.indexOf('"', pos + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string in type `" + text + "'");
                }
                out.add(text.substring(pos + 1, end));
                pos = end + 1;
            } else {
                out.add(word());
            }
            skipSpace();
            if (!atEnd() && text.charAt(pos) == ',') {
                pos++;
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("an enum needs at least one value in `" + text + "'");
        }
        return List.copyOf(out);
    }

    private String word() {
        skipSpace();
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(text.charAt(pos)) || "_-.".indexOf(text.charAt(pos)) >= 0)) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("expected a type name at `" + text.substring(start) + "' in `"
                    + text + "'");
        }
        return text.substring(start, pos);
    }

    private void expect(char c) {
        if (atEnd() || text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected `" + c + "' in type `" + text + "'");
        }
        pos++;
    }
}
