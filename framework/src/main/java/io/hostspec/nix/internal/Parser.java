package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;
import io.hostspec.nix.internal.Token.Kind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for the whole Nix grammar, with the operator precedences of Nix's yacc grammar. Path
 * literals are made absolute against the folder of the file being parsed.
 */
final class Parser {

    private static final Set<Kind> STARTS_SIMPLE = EnumSet.of(Kind.ID, Kind.INT, Kind.FLOAT, Kind.DQUOTE,
            Kind.IND_OPEN, Kind.PATH, Kind.HPATH, Kind.SPATH, Kind.URI, Kind.PATH_START, Kind.LPAREN, Kind.LBRACE,
            Kind.LBRACK, Kind.REC, Kind.LET);

    private final List<Token> toks;
    private final String src;
    private final String baseDir;
    private final String home;
    private final int[] lineStarts;
    private int p;

    private Parser(List<Token> toks, String src, String baseDir, String home) {
        this.toks = toks;
        this.src = src;
        this.baseDir = baseDir;
        this.home = home;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int k = 0; k < src.length(); k++) {
            if (src.charAt(k) == '\n') {
                starts.add(k + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Parses a whole file or expression.
     *
     * @param src     the source
     * @param file    the file name shown in positions
     * @param baseDir the folder relative paths are resolved against
     * @param home    the home folder for {@code ~/} paths
     * @throws NixException a syntax error with its position
     */
    static Expr parse(String src, String file, String baseDir, String home) {
        Parser parser = new Parser(Lexer.tokenize(src, file), src, baseDir, home);
        Expr e = parser.expr();
        parser.expect(Kind.EOF, "end of file");
        return e;
    }

    private Token tok() {
        return toks.get(p);
    }

    private Kind kind(int ahead) {
        int k = Math.min(p + ahead, toks.size() - 1);
        return toks.get(k).kind();
    }

    private Token next() {
        return toks.get(p++);
    }

    private Token expect(Kind k, String what) {
        Token t = tok();
        if (t.kind() != k) {
            throw unexpected(what);
        }
        p++;
        return t;
    }

    private NixException unexpected(String expecting) {
        Token t = tok();
        String got = t.kind() == Kind.EOF ? "end of file" : "'" + t.text() + "'";
        return new NixException("syntax error, unexpected " + got + (expecting == null ? "" : ", expecting "
                + expecting), t.pos());
    }

    // ---------------------------------------------------------------- expressions

    Expr expr() {
        Token t = tok();
        switch (t.kind()) {
            case ID:
                if (kind(1) == Kind.COLON) {
                    p += 2;
                    return new Exprs.Fn(t.pos(), t.text(), null, false, expr());
                }
                if (kind(1) == Kind.AT && kind(2) == Kind.LBRACE) {
                    p += 2;
                    return formalsLambda(t.pos(), t.text());
                }
                break;
            case LBRACE:
                if (isFormals()) {
                    return formalsLambda(t.pos(), null);
                }
                break;
            case ASSERT: {
                p++;
                int from = offset(tok().pos());
                Expr cond = expr();
                int to = offset(tok().pos());
                expect(Kind.SEMI, "';'");
                return new OpExprs.Assert(t.pos(), cond, expr(), src.substring(from, to).strip());
            }
            case WITH: {
                p++;
                Expr attrs = expr();
                expect(Kind.SEMI, "';'");
                return new Exprs.With(t.pos(), attrs, expr());
            }
            case LET:
                if (kind(1) != Kind.LBRACE) {
                    p++;
                    Exprs.Attrs binds = new Exprs.Attrs(t.pos(), true);
                    binds(binds, true);
                    expect(Kind.IN, "'in'");
                    return new Exprs.Let(t.pos(), binds, expr());
                }
                break;
            case IF: {
                p++;
                Expr c = expr();
                expect(Kind.THEN, "'then'");
                Expr a = expr();
                expect(Kind.ELSE, "'else'");
                return new OpExprs.If(t.pos(), c, a, expr());
            }
            default:
                break;
        }
        return op(0);
    }

    private int offset(Pos pos) {
        return lineStarts[pos.line() - 1] + pos.col() - 1;
    }

    private boolean isFormals() {
        Kind k1 = kind(1);
        Kind k2 = kind(2);
        if (k1 == Kind.RBRACE) {
            return k2 == Kind.COLON || k2 == Kind.AT;
        }
        if (k1 == Kind.ELLIPSIS) {
            return true;
        }
        return k1 == Kind.ID && (k2 == Kind.COMMA || k2 == Kind.QUESTION || k2 == Kind.RBRACE);
    }

    private Expr formalsLambda(Pos pos, String argBefore) {
        expect(Kind.LBRACE, "'{'");
        List<Exprs.Formal> formals = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        boolean ellipsis = false;
        while (tok().kind() != Kind.RBRACE) {
            if (tok().kind() == Kind.ELLIPSIS) {
                p++;
                ellipsis = true;
            } else {
                Token name = expect(Kind.ID, "an argument name");
                if (!seen.add(name.text())) {
                    throw new NixException("duplicate formal function argument '" + name.text() + "'", name.pos());
                }
                Expr def = null;
                if (tok().kind() == Kind.QUESTION) {
                    p++;
                    def = expr();
                }
                formals.add(new Exprs.Formal(name.text(), def, name.pos()));
            }
            if (tok().kind() != Kind.RBRACE) {
                expect(Kind.COMMA, "',' or '}'");
            }
        }
        p++;
        String arg = argBefore;
        if (arg == null && tok().kind() == Kind.AT) {
            p++;
            arg = expect(Kind.ID, "a name").text();
        }
        if (arg != null && seen.contains(arg)) {
            throw new NixException("duplicate formal function argument '" + arg + "'", pos);
        }
        expect(Kind.COLON, "':'");
        return new Exprs.Fn(pos, arg, formals, ellipsis, expr());
    }

    private static int prec(Kind k) {
        return switch (k) {
            case IMPL -> 1;
            case OR -> 2;
            case AND -> 3;
            case EQ, NEQ -> 4;
            case LT, GT, LEQ, GEQ -> 5;
            case UPDATE -> 6;
            case PLUS, MINUS -> 8;
            case STAR, SLASH -> 9;
            case CONCAT -> 10;
            case QUESTION -> 11;
            default -> -1;
        };
    }

    private Expr op(int min) {
        Token t = tok();
        Expr left;
        if (t.kind() == Kind.NOT) {
            p++;
            left = new OpExprs.Not(t.pos(), op(8));
        } else if (t.kind() == Kind.MINUS) {
            p++;
            left = new OpExprs.BinOp(t.pos(), OpExprs.Op.SUB, new OpExprs.Const(t.pos(), 0L), op(12));
        } else {
            left = app();
        }
        while (true) {
            Token o = tok();
            int prec = prec(o.kind());
            if (prec < 0 || prec < min) {
                return left;
            }
            p++;
            if (o.kind() == Kind.QUESTION) {
                left = new Exprs.HasAttr(o.pos(), left, attrPath());
                continue;
            }
            boolean right = o.kind() == Kind.IMPL || o.kind() == Kind.UPDATE || o.kind() == Kind.CONCAT;
            Expr r = op(right ? prec : prec + 1);
            left = switch (o.kind()) {
                case IMPL -> bin(o, OpExprs.Op.IMPL, left, r);
                case OR -> bin(o, OpExprs.Op.OR, left, r);
                case AND -> bin(o, OpExprs.Op.AND, left, r);
                case EQ -> bin(o, OpExprs.Op.EQ, left, r);
                case NEQ -> bin(o, OpExprs.Op.NEQ, left, r);
                case LT -> bin(o, OpExprs.Op.LT, left, r);
                case GT -> bin(o, OpExprs.Op.GT, left, r);
                case LEQ -> bin(o, OpExprs.Op.LEQ, left, r);
                case GEQ -> bin(o, OpExprs.Op.GEQ, left, r);
                case UPDATE -> bin(o, OpExprs.Op.UPDATE, left, r);
                case PLUS -> bin(o, OpExprs.Op.ADD, left, r);
                case MINUS -> bin(o, OpExprs.Op.SUB, left, r);
                case STAR -> bin(o, OpExprs.Op.MUL, left, r);
                case SLASH -> bin(o, OpExprs.Op.DIV, left, r);
                case CONCAT -> bin(o, OpExprs.Op.CONCAT, left, r);
                default -> throw unexpected(null);
            };
            if ((prec == 4 || prec == 5) && prec(tok().kind()) == prec) {
                throw unexpected(null);
            }
        }
    }

    private static Expr bin(Token o, OpExprs.Op op, Expr l, Expr r) {
        return new OpExprs.BinOp(o.pos(), op, l, r);
    }

    private Expr app() {
        Expr f = select();
        List<Expr> args = null;
        while (STARTS_SIMPLE.contains(tok().kind())) {
            if (args == null) {
                args = new ArrayList<>();
            }
            args.add(select());
        }
        return args == null ? f : new OpExprs.Call(f.pos, f, args);
    }

    private Expr select() {
        Expr e = simple();
        if (tok().kind() == Kind.DOT) {
            Pos pos = tok().pos();
            p++;
            List<Exprs.AttrName> path = attrPath();
            Expr def = null;
            if (tok().kind() == Kind.OR_KW) {
                p++;
                def = select();
            }
            return new Exprs.Select(pos, e, path, def);
        }
        if (tok().kind() == Kind.OR_KW) {
            Token t = next();
            return new OpExprs.Call(e.pos, e, List.of(new Exprs.Var(t.pos(), "or")));
        }
        return e;
    }

    private List<Exprs.AttrName> attrPath() {
        List<Exprs.AttrName> path = new ArrayList<>();
        path.add(attrName());
        while (tok().kind() == Kind.DOT) {
            p++;
            path.add(attrName());
        }
        return path;
    }

    private Exprs.AttrName attrName() {
        Token t = tok();
        switch (t.kind()) {
            case ID:
            case OR_KW:
                p++;
                return new Exprs.AttrName(t.text(), null);
            case DQUOTE: {
                Expr s = simple();
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

    private Expr simple() {
        Token t = next();
        switch (t.kind()) {
            case ID:
                if (t.text().equals("__curPos")) {
                    return new OpExprs.CurPos(t.pos());
                }
                return new Exprs.Var(t.pos(), t.text());
            case INT:
                try {
                    return new OpExprs.Const(t.pos(), Long.parseLong(t.text()));
                } catch (NumberFormatException e) {
                    throw new NixException("invalid integer '" + t.text() + "'", t.pos());
                }
            case FLOAT:
                return new OpExprs.Const(t.pos(), Double.parseDouble(t.text()));
            case URI:
                return new OpExprs.Const(t.pos(), t.text());
            case PATH:
                return new OpExprs.Const(t.pos(), new io.hostspec.nix.NixPath(absolute(t.text(), t.pos())));
            case HPATH:
                return new OpExprs.Const(t.pos(), new io.hostspec.nix.NixPath(Paths.canon(home + t.text()
                        .substring(1))));
            case SPATH:
                return new OpExprs.Call(t.pos(), new Exprs.Var(t.pos(), "__findFile"), List.of(
                        new Exprs.Var(t.pos(), "__nixPath"), new OpExprs.Const(t.pos(), t.text())));
            case PATH_START:
                return interpolatedPath(t);
            case DQUOTE:
                return string(t);
            case IND_OPEN:
                return IndentedStrings.build(t.pos(), indentedParts());
            case LPAREN: {
                Expr e = expr();
                expect(Kind.RPAREN, "')'");
                return e;
            }
            case LBRACK: {
                List<Expr> items = new ArrayList<>();
                while (tok().kind() != Kind.RBRACK) {
                    if (!STARTS_SIMPLE.contains(tok().kind())) {
                        throw unexpected("']'");
                    }
                    items.add(select());
                }
                p++;
                return new OpExprs.ListExpr(t.pos(), items);
            }
            case REC: {
                expect(Kind.LBRACE, "'{'");
                Exprs.Attrs a = new Exprs.Attrs(t.pos(), true);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return a;
            }
            case LBRACE: {
                Exprs.Attrs a = new Exprs.Attrs(t.pos(), false);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return a;
            }
            case LET: {
                expect(Kind.LBRACE, "'{'");
                Exprs.Attrs a = new Exprs.Attrs(t.pos(), true);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return new Exprs.Select(t.pos(), a, List.of(new Exprs.AttrName("body", null)), null);
            }
            default:
                p--;
                throw unexpected(null);
        }
    }

    private String absolute(String text, Pos pos) {
        if (text.endsWith("/")) {
            throw new NixException("path '" + text + "' has a trailing slash", pos);
        }
        return Paths.canon(text.startsWith("/") ? text : baseDir + "/" + text);
    }

    private Expr interpolatedPath(Token start) {
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

    private Expr string(Token open) {
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

    private List<Object> indentedParts() {
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

    // ---------------------------------------------------------------- bindings

    private void binds(Exprs.Attrs target, boolean isLet) {
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
                            : new Exprs.Select(n.pos(), new Exprs.InheritFrom(n.pos(), target, from),
                            List.of(name), null);
                    Exprs.AttrDef old = target.attrs.get(name.name());
                    if (old != null) {
                        throw already(name.name(), n.pos(), old.pos);
                    }
                    target.attrs.put(name.name(), new Exprs.AttrDef(e, n.pos(),
                            from < 0 ? Exprs.Kind.INHERITED : Exprs.Kind.INHERITED_FROM));
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
            add(target, path, value, t.pos());
        }
    }

    private static NixException already(String name, Pos pos, Pos old) {
        return new NixException("attribute '" + name + "' already defined at " + old, pos);
    }

    private void add(Exprs.Attrs target, List<Exprs.AttrName> path, Expr value, Pos pos) {
        Exprs.Attrs cur = target;
        StringBuilder shown = new StringBuilder();
        for (int k = 0; k < path.size() - 1; k++) {
            Exprs.AttrName n = path.get(k);
            shown.append(k > 0 ? "." : "").append(n);
            if (n.name() != null) {
                Exprs.AttrDef d = cur.attrs.get(n.name());
                if (d != null) {
                    if (d.kind == Exprs.Kind.PLAIN && d.e instanceof Exprs.Attrs a) {
                        cur = a;
                    } else {
                        throw already(shown.toString(), pos, d.pos);
                    }
                } else {
                    Exprs.Attrs a = new Exprs.Attrs(pos, false);
                    cur.attrs.put(n.name(), new Exprs.AttrDef(a, pos, Exprs.Kind.PLAIN));
                    cur = a;
                }
            } else {
                Exprs.Attrs a = new Exprs.Attrs(pos, false);
                cur.dyn.add(new Exprs.DynAttr(n.dyn(), a, pos));
                cur = a;
            }
        }
        Exprs.AttrName last = path.get(path.size() - 1);
        shown.append(path.size() > 1 ? "." : "").append(last);
        if (last.name() == null) {
            cur.dyn.add(new Exprs.DynAttr(last.dyn(), value, pos));
            return;
        }
        if (value instanceof Exprs.Fn fn && fn.name == null) {
            fn.name = last.name();
        }
        Exprs.AttrDef old = cur.attrs.get(last.name());
        if (old != null) {
            if (old.kind == Exprs.Kind.PLAIN && old.e instanceof Exprs.Attrs into
                    && value instanceof Exprs.Attrs from) {
                int shift = into.inheritFrom.size();
                into.inheritFrom.addAll(from.inheritFrom);
                for (var e : from.attrs.entrySet()) {
                    if (e.getValue().kind == Exprs.Kind.INHERITED_FROM
                            && e.getValue().e instanceof Exprs.Select sel && sel.e instanceof Exprs.InheritFrom f) {
                        f.owner = into;
                        f.index += shift;
                    }
                    Exprs.AttrDef prior = into.attrs.get(e.getKey());
                    if (prior != null) {
                        throw already(shown + "." + e.getKey(), e.getValue().pos, prior.pos);
                    }
                    into.attrs.put(e.getKey(), e.getValue());
                }
                into.dyn.addAll(from.dyn);
                return;
            }
            throw already(shown.toString(), pos, old.pos);
        }
        cur.attrs.put(last.name(), new Exprs.AttrDef(value, pos, Exprs.Kind.PLAIN));
    }
}
