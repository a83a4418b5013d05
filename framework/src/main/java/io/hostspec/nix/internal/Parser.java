package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;
import io.hostspec.nix.internal.Token.Kind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for the whole Nix grammar, with the operator precedences of Nix's yacc grammar: the
 * expressions, operators, lambdas and set literals. String and path literals are in {@link LiteralParser}.
 */
final class Parser extends LiteralParser {

    private static final Set<Kind> STARTS_SIMPLE = EnumSet.of(Kind.ID, Kind.INT, Kind.FLOAT, Kind.DQUOTE,
            Kind.IND_OPEN, Kind.PATH, Kind.HPATH, Kind.SPATH, Kind.URI, Kind.PATH_START, Kind.LPAREN, Kind.LBRACE,
            Kind.LBRACK, Kind.REC, Kind.LET);

    private Parser(List<Token> toks, String src, String baseDir, String home) {
        super(toks, src, baseDir, home);
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

    // ---------------------------------------------------------------- expressions

    /** Parses one expression, from the current token. */
    @Override
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
                    SetExprs.Attrs binds = new SetExprs.Attrs(t.pos(), true);
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
                SetExprs.Attrs a = new SetExprs.Attrs(t.pos(), true);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return a;
            }
            case LBRACE: {
                SetExprs.Attrs a = new SetExprs.Attrs(t.pos(), false);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return a;
            }
            case LET: {
                expect(Kind.LBRACE, "'{'");
                SetExprs.Attrs a = new SetExprs.Attrs(t.pos(), true);
                binds(a, false);
                expect(Kind.RBRACE, "'}'");
                return new Exprs.Select(t.pos(), a, List.of(new Exprs.AttrName("body", null)), null);
            }
            default:
                p--;
                throw unexpected(null);
        }
    }

}
