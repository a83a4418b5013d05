package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;
import io.hostspec.nix.internal.Token.Kind;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Nix source into tokens with the same rules as Nix's flex lexer: longest match, strings and indented strings
 * with interpolation as nested modes, paths with interpolation.
 */
final class Lexer {

    private static final String PATH_CHAR = "[a-zA-Z0-9._\\-+]";
    private static final Pattern ID = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_'\\-]*");
    private static final Pattern INT = Pattern.compile("[0-9]+");
    private static final Pattern FLOAT = Pattern.compile("(([1-9][0-9]*\\.[0-9]*)|(0?\\.[0-9]+))([Ee][+-]?[0-9]+)?");
    private static final Pattern PATH = Pattern.compile(PATH_CHAR + "*(/" + PATH_CHAR + "+)+/?");
    private static final Pattern PATH_SEG_INTERP = Pattern.compile(PATH_CHAR + "*(/" + PATH_CHAR + "+)*/" + PATH_CHAR + "*\\$\\{");
    private static final Pattern HPATH = Pattern.compile("~(/" + PATH_CHAR + "+)+/?");
    private static final Pattern HPATH_INTERP = Pattern.compile("~(/" + PATH_CHAR + "+)*/" + PATH_CHAR + "*\\$\\{");
    private static final Pattern SPATH = Pattern.compile("<" + PATH_CHAR + "+(/" + PATH_CHAR + "+)*>");
    private static final Pattern URI = Pattern.compile(
            "[a-zA-Z][a-zA-Z0-9+\\-.]*:[a-zA-Z0-9%/?:@&=+$,\\-_.!~*']+");
    private static final Map<String, Kind> KEYWORDS = Map.of("if", Kind.IF, "then", Kind.THEN, "else", Kind.ELSE,
            "assert", Kind.ASSERT, "with", Kind.WITH, "let", Kind.LET, "in", Kind.IN, "rec", Kind.REC,
            "inherit", Kind.INHERIT, "or", Kind.OR_KW);
    private static final String[] OPS = {"...", "==", "!=", "<=", ">=", "&&", "||", "->", "//", "++", "|>", "<|",
        "{", "}", "[", "]", "(", ")", ";", ":", "@", ",", ".", "?", "=", "<", ">", "+", "-", "*", "/", "!"};
    private static final Kind[] OP_KINDS = {Kind.ELLIPSIS, Kind.EQ, Kind.NEQ, Kind.LEQ, Kind.GEQ, Kind.AND, Kind.OR,
        Kind.IMPL, Kind.UPDATE, Kind.CONCAT, Kind.PIPE_INTO, Kind.PIPE_FROM, Kind.LBRACE, Kind.RBRACE, Kind.LBRACK,
        Kind.RBRACK, Kind.LPAREN, Kind.RPAREN, Kind.SEMI, Kind.COLON, Kind.AT, Kind.COMMA, Kind.DOT, Kind.QUESTION,
        Kind.ASSIGN, Kind.LT, Kind.GT, Kind.PLUS, Kind.MINUS, Kind.STAR, Kind.SLASH, Kind.NOT};

    private enum Mode { CODE, STRING, IND, PATH }

    private static final class Frame {
        final Mode mode;
        int depth;

        Frame(Mode mode) {
            this.mode = mode;
        }
    }

    private final String src;
    private final String file;
    private final int[] lineStarts;
    private final List<Token> out = new ArrayList<>();
    private final Deque<Frame> modes = new ArrayDeque<>();
    private final Matcher matcher;
    private int i;

    private Lexer(String src, String file) {
        this.src = src;
        this.file = file;
        this.matcher = ID.matcher(src);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int k = 0; k < src.length(); k++) {
            if (src.charAt(k) == '\n') {
                starts.add(k + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The tokens of a source text, ending with EOF. */
    static List<Token> tokenize(String src, String file) {
        Lexer l = new Lexer(src, file);
        l.run();
        return l.out;
    }

    Pos pos(int offset) {
        int idx = Arrays.binarySearch(lineStarts, offset);
        int line = idx >= 0 ? idx : -idx - 2;
        return new Pos(file, line + 1, offset - lineStarts[line] + 1);
    }

    private void run() {
        modes.push(new Frame(Mode.CODE));
        while (true) {
            Frame f = modes.peek();
            boolean more = switch (f.mode) {
                case CODE -> code(f);
                case STRING -> string();
                case IND -> indented();
                case PATH -> path();
            };
            if (!more) {
                break;
            }
        }
        if (modes.size() > 1) {
            throw new NixException("syntax error, unexpected end of file" + (modes.peek().mode == Mode.CODE
                    ? "" : " in a string"), pos(src.length()));
        }
        out.add(new Token(Kind.EOF, "", pos(src.length())));
    }

    private boolean skipSpace() {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == '#') {
                while (i < src.length() && src.charAt(i) != '\n' && src.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new NixException("syntax error, unterminated /* comment", pos(i));
                }
                i = end + 2;
            } else {
                return true;
            }
        }
        return false;
    }

    private int match(Pattern p) {
        matcher.usePattern(p);
        matcher.region(i, src.length());
        return matcher.lookingAt() ? matcher.end() - i : -1;
    }

    private boolean code(Frame f) {
        if (!skipSpace()) {
            return false;
        }
        int start = i;
        char c = src.charAt(i);
        if (c == '"') {
            emit(Kind.DQUOTE, "\"", start, 1);
            modes.push(new Frame(Mode.STRING));
            return true;
        }
        if (c == '\'' && src.startsWith("''", i)) {
            int j = i + 2;
            while (j < src.length() && src.charAt(j) == ' ') {
                j++;
            }
            int len = (j < src.length() && src.charAt(j) == '\n') ? j + 1 - i : 2;
            emit(Kind.IND_OPEN, "''", start, len);
            modes.push(new Frame(Mode.IND));
            return true;
        }
        if (src.startsWith("${", i)) {
            emit(Kind.DOLLAR_CURLY, "${", start, 2);
            modes.push(new Frame(Mode.CODE));
            return true;
        }
        if (c == '{') {
            f.depth++;
        } else if (c == '}') {
            if (f.depth == 0 && modes.size() > 1) {
                emit(Kind.RBRACE, "}", start, 1);
                modes.pop();
                return true;
            }
            f.depth--;
        }
        if (fastToken(c, start)) {
            return true;
        }
        int interp = match(PATH_SEG_INTERP);
        if (interp < 0) {
            interp = match(HPATH_INTERP);
        }
        if (interp > 0) {
            emit(Kind.PATH_START, src.substring(i, i + interp - 2), start, interp - 2);
            modes.push(new Frame(Mode.PATH));
            return true;
        }
        int best = -1;
        Kind kind = null;
        Pattern[] pats = {ID, INT, FLOAT, PATH, HPATH, SPATH, URI};
        Kind[] kinds = {Kind.ID, Kind.INT, Kind.FLOAT, Kind.PATH, Kind.HPATH, Kind.SPATH, Kind.URI};
        for (int k = 0; k < pats.length; k++) {
            int len = match(pats[k]);
            if (len > best) {
                best = len;
                kind = kinds[k];
            }
        }
        for (int k = 0; k < OPS.length; k++) {
            if (src.startsWith(OPS[k], i)) {
                if (OPS[k].length() > best) {
                    if (OP_KINDS[k] == Kind.LBRACE || OP_KINDS[k] == Kind.RBRACE) {
                        // depth already adjusted above
                    }
                    emit(OP_KINDS[k], OPS[k], start, OPS[k].length());
                    return true;
                }
                break;
            }
        }
        if (best <= 0) {
            throw new NixException("syntax error, unexpected '" + c + "'", pos(i));
        }
        String text = src.substring(i, i + best);
        if (kind == Kind.ID && KEYWORDS.containsKey(text)) {
            kind = KEYWORDS.get(text);
        }
        if (kind == Kind.SPATH) {
            text = text.substring(1, text.length() - 1);
        }
        emit(kind, text, start, best);
        return true;
    }

    /**
     * Identifiers, integers and punctuation without trying every pattern, when the next character cannot make them
     * part of a path or URI. Most tokens take this way; the rest go through the longest-match rules.
     */
    private boolean fastToken(char c, int start) {
        int j = i;
        if (Character.isLetter(c) && c < 128 || c == '_') {
            while (j < src.length() && isIdChar(src.charAt(j))) {
                j++;
            }
            if (j < src.length() && "/:.+".indexOf(src.charAt(j)) >= 0) {
                return false;
            }
            String text = src.substring(i, j);
            Kind k = KEYWORDS.getOrDefault(text, Kind.ID);
            emit(k, text, start, j - i);
            return true;
        }
        if (c >= '0' && c <= '9') {
            while (j < src.length() && src.charAt(j) >= '0' && src.charAt(j) <= '9') {
                j++;
            }
            if (j < src.length() && (isIdChar(src.charAt(j)) || "./+".indexOf(src.charAt(j)) >= 0)) {
                return false;
            }
            emit(Kind.INT, src.substring(i, j), start, j - i);
            return true;
        }
        int op = "{}[]();,@=*?!&|".indexOf(c);
        if (op < 0) {
            return false;
        }
        for (int k = 0; k < OPS.length; k++) {
            if (src.startsWith(OPS[k], i)) {
                emit(OP_KINDS[k], OPS[k], start, OPS[k].length());
                return true;
            }
        }
        return false;
    }

    private static boolean isIdChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '\'' || c == '-');
    }

    private void emit(Kind kind, String text, int start, int len) {
        out.add(new Token(kind, text, pos(start)));
        i = start + len;
    }

    /**
     * At {@code ${} inside a string of {@code kind}: emits the text so far and the interpolation's opening, and enters
     * code mode. Both string forms interpolate the same way; only the text token's kind differs.
     *
     * @return whether an interpolation was opened here
     */
    private boolean openInterpolation(Kind kind, StringBuilder b, int start) {
        if (src.charAt(i) != '$' || i + 1 >= src.length() || src.charAt(i + 1) != '{') {
            return false;
        }
        flush(kind, b, start, true);
        out.add(new Token(Kind.DOLLAR_CURLY, "${", pos(i)));
        i += 2;
        modes.push(new Frame(Mode.CODE));
        return true;
    }

    private boolean string() {
        int start = i;
        StringBuilder b = new StringBuilder();
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"') {
                flush(Kind.STR, b, start, true);
                out.add(new Token(Kind.DQUOTE_END, "\"", pos(i)));
                i++;
                modes.pop();
                return true;
            }
            if (openInterpolation(Kind.STR, b, start)) {
                return true;
            }
            if (c == '$' && i + 1 < src.length() && src.charAt(i + 1) == '$') {
                b.append("$$");
                i += 2;
            } else if (c == '\\' && i + 1 < src.length()) {
                char e = src.charAt(i + 1);
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> e;
                });
                i += 2;
            } else if (c == '\r' && i + 1 < src.length() && src.charAt(i + 1) == '\n') {
                b.append('\n');
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return false;
    }

    private void flush(Kind kind, StringBuilder b, int start, boolean hasIndentation) {
        if (b.length() > 0) {
            out.add(new Token(kind, b.toString(), pos(start), hasIndentation));
            b.setLength(0);
        }
    }

    private boolean indented() {
        int start = i;
        StringBuilder b = new StringBuilder();
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '\'' && src.startsWith("''", i)) {
                if (src.startsWith("'''", i)) {
                    flush(Kind.IND_STR, b, start, true);
                    out.add(new Token(Kind.IND_STR, "''", pos(i), false));
                    i += 3;
                    start = i;
                    continue;
                }
                if (src.startsWith("''$", i)) {
                    flush(Kind.IND_STR, b, start, true);
                    out.add(new Token(Kind.IND_STR, "$", pos(i), false));
                    i += 3;
                    start = i;
                    continue;
                }
                if (src.startsWith("''\\", i) && i + 3 < src.length()) {
                    flush(Kind.IND_STR, b, start, true);
                    char e = src.charAt(i + 3);
                    String s = switch (e) {
                        case 'n' -> "\n";
                        case 'r' -> "\r";
                        case 't' -> "\t";
                        default -> String.valueOf(e);
                    };
                    out.add(new Token(Kind.IND_STR, s, pos(i), false));
                    i += 4;
                    start = i;
                    continue;
                }
                flush(Kind.IND_STR, b, start, true);
                out.add(new Token(Kind.IND_CLOSE, "''", pos(i)));
                i += 2;
                modes.pop();
                return true;
            }
            if (openInterpolation(Kind.IND_STR, b, start)) {
                return true;
            }
            if (c == '$' && i + 1 < src.length() && src.charAt(i + 1) == '$') {
                b.append("$$");
                i += 2;
            } else if (c == '\r' && i + 1 < src.length() && src.charAt(i + 1) == '\n') {
                b.append('\n');
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return false;
    }

    private boolean path() {
        int start = i;
        if (src.startsWith("${", i)) {
            out.add(new Token(Kind.DOLLAR_CURLY, "${", pos(i)));
            i += 2;
            modes.push(new Frame(Mode.CODE));
            return true;
        }
        while (i < src.length()) {
            char c = src.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' || c == '+'
                    || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i > start) {
            out.add(new Token(Kind.PATH_FRAG, src.substring(start, i), pos(start)));
            return true;
        }
        out.add(new Token(Kind.PATH_END, "", pos(i)));
        modes.pop();
        return true;
    }
}
