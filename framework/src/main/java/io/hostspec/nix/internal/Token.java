package io.hostspec.nix.internal;

import io.hostspec.nix.Pos;

/**
 * A token of Nix source.
 *
 * @param kind           what it is
 * @param text           identifier, literal text (unescaped for strings) or operator
 * @param pos            where it starts
 * @param hasIndentation for indented-string text: false for escapes, which do not count as indentation
 */
record Token(Kind kind, String text, Pos pos, boolean hasIndentation) {

    enum Kind {
        ID, INT, FLOAT, PATH, HPATH, SPATH, URI,
        STR, IND_STR, DOLLAR_CURLY, DQUOTE, DQUOTE_END, IND_OPEN, IND_CLOSE, PATH_START, PATH_FRAG, PATH_END,
        IF, THEN, ELSE, ASSERT, WITH, LET, IN, REC, INHERIT, OR_KW, ELLIPSIS,
        EQ, NEQ, LEQ, GEQ, AND, OR, IMPL, UPDATE, CONCAT, PIPE_FROM, PIPE_INTO,
        LBRACE, RBRACE, LBRACK, RBRACK, LPAREN, RPAREN, SEMI, COLON, AT, COMMA, DOT, QUESTION, ASSIGN,
        LT, GT, PLUS, MINUS, STAR, SLASH, NOT,
        EOF
    }

    Token(Kind kind, String text, Pos pos) {
        this(kind, text, pos, true);
    }
}
