package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;
import io.hostspec.nix.internal.Token.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * The parser's position in the token list, and its syntax errors. Kept apart so that the grammar classes built on it
 * read as grammar; the position is package-visible because the grammar steps over tokens directly.
 */
abstract class TokenCursor {

    final List<Token> toks;
    final String src;
    private final int[] lineStarts;
    int p;

    /**
     * Starts before the first token.
     *
     * @param toks the tokens of {@code src}, ending with {@link Kind#EOF}
     * @param src  the source text, for {@link #offset(Pos)}
     */
    TokenCursor(List<Token> toks, String src) {
        this.toks = toks;
        this.src = src;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int k = 0; k < src.length(); k++) {
            if (src.charAt(k) == '\n') {
                starts.add(k + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The current token, not consumed. */
    final Token tok() {
        return toks.get(p);
    }

    /** The kind of the token {@code ahead} places on (0 is the current one); past the end, {@link Kind#EOF}. */
    final Kind kind(int ahead) {
        int k = Math.min(p + ahead, toks.size() - 1);
        return toks.get(k).kind();
    }

    /** Consumes and returns the current token. */
    final Token next() {
        return toks.get(p++);
    }

    /**
     * Consumes the current token, which must be of kind {@code k}.
     *
     * @param what what the grammar expects, as shown in the error
     * @throws NixException a syntax error if the token is of another kind
     */
    final Token expect(Kind k, String what) {
        Token t = tok();
        if (t.kind() != k) {
            throw unexpected(what);
        }
        p++;
        return t;
    }

    /** A syntax error at the current token, naming what was expected when {@code expecting} is not null. */
    final NixException unexpected(String expecting) {
        Token t = tok();
        String got = t.kind() == Kind.EOF ? "end of file" : "'" + t.text() + "'";
        return new NixException("syntax error, unexpected " + got + (expecting == null ? "" : ", expecting "
                + expecting), t.pos());
    }

    /** The character offset of {@code pos} in the source. */
    final int offset(Pos pos) {
        return lineStarts[pos.line() - 1] + pos.col() - 1;
    }
}
