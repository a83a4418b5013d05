package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;
import io.hostspec.nix.internal.Token.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of literals' insides: strings and paths with their interpolations, attribute names and the bindings of
 * sets and {@code let}. Path literals are made absolute against the folder of the file being parsed, {@code ~/} paths
 * against the home folder.
 */
abstract class LiteralParser extends TokenCursor {

    final String baseDir;
    final String home;

    /**
     * Starts before the first token.
     *
     * @param baseDir the folder relative paths are resolved against
     * @param home    the home folder for {@code ~/} paths
     */
    LiteralParser(List<Token> toks, String src, String baseDir, String home) {
        super(toks, src);
        this.baseDir = baseDir;
        this.home = home;
    }

    /** Parses one whole expression: an interpolation may contain any. */
    abstract Expr expr();

    /** {@code text} as a canonical absolute path, relative ones against the parsed file's folder. */
    final String absolute(String text, Pos pos) {
        if (text.endsWith("/")) {
            throw new NixException("path '" + text + "' has a trailing slash", pos);
        }
        return Paths.canon(text.startsWith("/") ? text : baseDir + "/" + text);
    }

    /** The rest of a path with {@code ${...}} in it, after its first part {@code start}. */
    final Expr interpolatedPath(Token start) {
        List<Expr> parts = new ArrayList<>();
        String prefix = start.text();
        String abs;
        if (prefix.startsWith("~")) {
            abs = Paths.canon(home + prefix.substring(1));
        } else {
            abs = Paths.canon(prefix.startsWith("/") ? prefix : baseDir + "/" + prefix);
        }
        parts.add(new OpExprs.Const(start.pos(), prefix.endsWith("/") && !abs.endsWith("/") ? abs + "/" : abs));
        while (tok().kind() != Kind.PATH_END) {
            Token t = next();
            if (t.kind() == Kind.PATH_FRAG) {
                parts.add(new OpExprs.Const(t.pos(), t.text()));
            } else if (t.kind() == Kind.DOLLAR_CURLY) {
                parts.add(expr());
                expect(Kind.RBRACE, "'}'");
            } else {
                p--;
                throw unexpected(null);
            }
        }
        p++;
        return new OpExprs.Interp(start.pos(), parts, true);
    }

    /** The rest of a {@code "..."} string after its opening quote: a constant when nothing is interpolated. */
    final Expr string(Token open) {
        List<Expr> parts = new ArrayList<>();
        boolean interpolated = false;
        while (tok().kind() != Kind.DQUOTE_END) {
            Token t = next();
            if (t.kind() == Kind.STR) {
                parts.add(new OpExprs.Const(t.pos(), t.text()));
            } else if (t.kind() == Kind.DOLLAR_CURLY) {
                interpolated = true;
                parts.add(expr());
                expect(Kind.RBRACE, "'}'");
            } else {
                p--;
                throw unexpected(null);
            }
        }
        p++;
        if (parts.isEmpty()) {
            return new OpExprs.Const(open.pos(), "");
        }
        if (!interpolated && parts.size() == 1 && parts.get(0) instanceof OpExprs.Const c) {
            return new OpExprs.Const(open.pos(), c.value);
        }
        return new OpExprs.Interp(open.pos(), parts, false);
    }

    /**
     * The parts of an indented {@code ''...''} string after its opening: its raw text tokens and interpolated
     * expressions, left for {@link IndentedStrings} to strip.
     */
    final List<Object> indentedParts() {
        List<Object> parts = new ArrayList<>();
        while (tok().kind() != Kind.IND_CLOSE) {
            Token t = next();
            if (t.kind() == Kind.IND_STR) {
                parts.add(t);
            } else if (t.kind() == Kind.DOLLAR_CURLY) {
                parts.add(expr());
                expect(Kind.RBRACE, "'}'");
            } else {
                p--;
                throw unexpected(null);
            }
        }
        p++;
        return parts;
    }

    /** An attribute path {@code a.b."c".${d}}. */
    final List<Exprs.AttrName> attrPath() {
        List<Exprs.AttrName> path = new ArrayList<>();
        path.add(attrName());
        while (tok().kind() == Kind.DOT) {
            p++;
            path.add(attrName());
        }
        return path;
    }

    /** One attribute name: an identifier, a string or {@code ${e}}; constant ones are static. */
    final Exprs.AttrName attrName() {
        Token t = tok();
        switch (t.kind()) {
            case ID:
            case OR_KW:
                p++;
                return new Exprs.AttrName(t.text(), null);
            case DQUOTE: {
                Expr s = string(next());
                if (s instanceof OpExprs.Const c) {
                    return new Exprs.AttrName((String) c.value, null);
                }
                return new Exprs.AttrName(null, s);
            }
            case DOLLAR_CURLY: {
                p++;
                Expr e = expr();
                expect(Kind.RBRACE, "'}'");
                if (e instanceof OpExprs.Const c && c.value instanceof String s) {
                    return new Exprs.AttrName(s, null);
                }
                return new Exprs.AttrName(null, e);
            }
            default:
                throw unexpected("an attribute name");
        }
    }

    /**
     * The bindings of a set literal or {@code let}, up to its closing token, added to {@code target}.
     *
     * @param isLet whether dynamic attribute names are refused, as in {@code let}
     */
    final void binds(SetExprs.Attrs target, boolean isLet) {
        while (tok().kind() != Kind.RBRACE && tok().kind() != Kind.IN && tok().kind() != Kind.EOF) {
            Token t = tok();
            if (t.kind() == Kind.INHERIT) {
                p++;
                int from = -1;
                if (tok().kind() == Kind.LPAREN) {
                    p++;
                    from = target.inheritFrom.size();
                    target.inheritFrom.add(expr());
                    expect(Kind.RPAREN, "')'");
                }
                while (tok().kind() != Kind.SEMI) {
                    Token n = tok();
                    Exprs.AttrName name = attrName();
                    if (name.name() == null) {
                        throw new NixException("dynamic attributes not allowed in inherit", n.pos());
                    }
                    Expr e = from < 0 ? new Exprs.Var(n.pos(), name.name())
                            : new Exprs.Select(n.pos(), new SetExprs.InheritFrom(n.pos(), target, from),
                            List.of(name), null);
                    SetExprs.AttrDef old = target.attrs.get(name.name());
                    if (old != null) {
                        throw Bindings.already(name.name(), n.pos(), old.pos);
                    }
                    target.attrs.put(name.name(), new SetExprs.AttrDef(e, n.pos(),
                            from < 0 ? SetExprs.Kind.INHERITED : SetExprs.Kind.INHERITED_FROM));
                }
                p++;
                continue;
            }
            List<Exprs.AttrName> path = attrPath();
            expect(Kind.ASSIGN, "'='");
            Expr value = expr();
            expect(Kind.SEMI, "';'");
            if (isLet && path.get(0).name() == null) {
                throw new NixException("dynamic attributes not allowed in let", t.pos());
            }
            Bindings.add(target, path, value, t.pos());
        }
    }
}
