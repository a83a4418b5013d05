package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.NixPrinter;
import io.hostspec.nix.Pos;

import java.util.List;
import java.util.TreeMap;

/** The syntax tree nodes of values and operators: constants, calls, conditionals, operators, strings, lists. */
final class OpExprs {

    private OpExprs() {
    }

    /** A literal: integer, float, string without interpolation, or path. */
    static final class Const extends Expr {
        final Object value;

        Const(Pos pos, Object value) {
            super(pos);
            this.value = value;
        }

        @Override
        void bind(Scope scope) {
        }

        @Override
        Object eval(Env env) {
            return value;
        }

        @Override
        Object lazy(Env env) {
            return value;
        }
    }

    /** {@code f a b}. */
    static final class Call extends Expr {
        final Expr fun;
        final List<Expr> args;

        Call(Pos pos, Expr fun, List<Expr> args) {
            super(pos);
            this.fun = fun;
            this.args = args;
        }

        @Override
        void bind(Scope scope) {
            fun.bind(scope);
            args.forEach(a -> a.bind(scope));
        }

        @Override
        Object eval(Env env) {
            Object f = fun.eval(env);
            for (Expr a : args) {
                f = Ops.force(Ops.apply(f, a.lazy(env), pos));
            }
            return f;
        }
    }

    /** {@code if c then a else b}. */
    static final class If extends Expr {
        final Expr cond;
        final Expr then;
        final Expr otherwise;

        If(Pos pos, Expr cond, Expr then, Expr otherwise) {
            super(pos);
            this.cond = cond;
            this.then = then;
            this.otherwise = otherwise;
        }

        @Override
        void bind(Scope scope) {
            cond.bind(scope);
            then.bind(scope);
            otherwise.bind(scope);
        }

        @Override
        Object eval(Env env) {
            Object c = cond.eval(env);
            if (!(c instanceof Boolean b)) {
                throw Ops.typeError("a Boolean", c, cond.pos).addFrame("while evaluating a branch condition", pos);
            }
            return b ? then.eval(env) : otherwise.eval(env);
        }
    }

    /** {@code assert c; body}. */
    static final class Assert extends Expr {
        final Expr cond;
        final Expr body;
        final String text;

        Assert(Pos pos, Expr cond, Expr body, String text) {
            super(pos);
            this.cond = cond;
            this.body = body;
            this.text = text;
        }

        @Override
        void bind(Scope scope) {
            cond.bind(scope);
            body.bind(scope);
        }

        @Override
        Object eval(Env env) {
            Object c = cond.eval(env);
            if (!(c instanceof Boolean b)) {
                throw Ops.typeError("a Boolean", c, cond.pos).addFrame("while evaluating the condition of the "
                        + "assertion '" + text + "'", pos);
            }
            if (!b) {
                String detail = "";
                if (cond instanceof BinOp op && op.op == Op.EQ) {
                    detail = equalityDetail(op, env);
                }
                throw new NixException.Catchable("assertion '" + text + "' failed" + detail, pos);
            }
            return body.eval(env);
        }

        private static String equalityDetail(BinOp op, Env env) {
            try {
                return " (left side: " + NixPrinter.brief(op.left.eval(env)) + ", right side: "
                        + NixPrinter.brief(op.right.eval(env)) + ")";
            } catch (NixException e) {
                return "";
            }
        }
    }

    /** {@code !e}. */
    static final class Not extends Expr {
        final Expr e;

        Not(Pos pos, Expr e) {
            super(pos);
            this.e = e;
        }

        @Override
        void bind(Scope scope) {
            e.bind(scope);
        }

        @Override
        Object eval(Env env) {
            return !Ops.bool(e.eval(env), pos);
        }
    }

    /** The binary operators. */
    enum Op { EQ, NEQ, LT, LEQ, GT, GEQ, AND, OR, IMPL, UPDATE, CONCAT, ADD, SUB, MUL, DIV }

    /** A binary operator application. */
    static final class BinOp extends Expr {
        final Op op;
        final Expr left;
        final Expr right;

        BinOp(Pos pos, Op op, Expr left, Expr right) {
            super(pos);
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        void bind(Scope scope) {
            left.bind(scope);
            right.bind(scope);
        }

        @Override
        Object eval(Env env) {
            switch (op) {
                case AND:
                    return Ops.bool(left.eval(env), left.pos) && Ops.bool(right.eval(env), right.pos);
                case OR:
                    return Ops.bool(left.eval(env), left.pos) || Ops.bool(right.eval(env), right.pos);
                case IMPL:
                    return !Ops.bool(left.eval(env), left.pos) || Ops.bool(right.eval(env), right.pos);
                default:
                    break;
            }
            Object a = left.eval(env);
            Object b = right.eval(env);
            return switch (op) {
                case EQ -> Ops.eq(a, b, pos);
                case NEQ -> !Ops.eq(a, b, pos);
                case LT -> Ops.compare(a, b, pos) < 0;
                case LEQ -> Ops.compare(a, b, pos) <= 0;
                case GT -> Ops.compare(a, b, pos) > 0;
                case GEQ -> Ops.compare(a, b, pos) >= 0;
                case UPDATE -> update(Ops.attrs(a, left.pos), Ops.attrs(b, right.pos));
                case CONCAT -> concat(Ops.list(a, left.pos), Ops.list(b, right.pos));
                case ADD -> add(a, b, pos);
                default -> Arith.arith(op, a, b, pos);
            };
        }

        static NixAttrs update(NixAttrs a, NixAttrs b) {
            if (a.size() == 0) {
                return b;
            }
            if (b.size() == 0) {
                return a;
            }
            TreeMap<String, Object> m = new TreeMap<>(a.map());
            m.putAll(b.map());
            java.util.Map<String, Pos> pos = null;
            if (a.positions() != null || b.positions() != null) {
                pos = new java.util.HashMap<>();
                if (a.positions() != null) {
                    pos.putAll(a.positions());
                }
                if (b.positions() != null) {
                    pos.putAll(b.positions());
                }
            }
            return new NixAttrs(m, pos);
        }

        static NixList concat(NixList a, NixList b) {
            if (a.isEmpty()) {
                return b;
            }
            if (b.isEmpty()) {
                return a;
            }
            Object[] out = new Object[a.size() + b.size()];
            System.arraycopy(a.items(), 0, out, 0, a.size());
            System.arraycopy(b.items(), 0, out, a.size(), b.size());
            return new NixList(out);
        }

        static Object add(Object a, Object b, Pos pos) {
            if (a instanceof String x) {
                if (b instanceof String y) {
                    return x + y;
                }
                return x + Ops.coerce(b, pos, false);
            }
            if (a instanceof NixPath x) {
                if (b instanceof NixPath || b instanceof String) {
                    String s = b instanceof NixPath p ? p.path() : (String) b;
                    return new NixPath(Paths.canon(x.path() + s));
                }
                throw new NixException("cannot append " + Ops.showType(b) + " to a path", pos);
            }
            return Arith.arith(Op.ADD, a, b, pos);
        }
    }

    /** A string or path with interpolations: {@code "a ${b} c"}, {@code ./dir/${name}}. */
    static final class Interp extends Expr {
        final List<Expr> parts;
        final boolean isPath;

        Interp(Pos pos, List<Expr> parts, boolean isPath) {
            super(pos);
            this.parts = parts;
            this.isPath = isPath;
        }

        @Override
        void bind(Scope scope) {
            parts.forEach(p -> p.bind(scope));
        }

        @Override
        Object eval(Env env) {
            StringBuilder b = new StringBuilder();
            for (Expr p : parts) {
                Object v = p.eval(env);
                if (v instanceof String s) {
                    b.append(s);
                } else {
                    try {
                        b.append(Ops.coerce(v, p.pos, false));
                    } catch (NixException e) {
                        throw e.addFrame("while evaluating a path segment", p.pos);
                    }
                }
            }
            if (isPath) {
                return new NixPath(Paths.canon(b.toString()));
            }
            return b.toString();
        }
    }

    /** {@code [ a b c ]}. */
    static final class ListExpr extends Expr {
        final List<Expr> items;

        ListExpr(Pos pos, List<Expr> items) {
            super(pos);
            this.items = items;
        }

        @Override
        void bind(Scope scope) {
            items.forEach(i -> i.bind(scope));
        }

        @Override
        Object eval(Env env) {
            if (items.isEmpty()) {
                return NixList.EMPTY;
            }
            Object[] out = new Object[items.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = items.get(k).lazy(env);
            }
            return new NixList(out);
        }
    }

    /** {@code __curPos}: the position as a set. */
    static final class CurPos extends Expr {
        CurPos(Pos pos) {
            super(pos);
        }

        @Override
        void bind(Scope scope) {
        }

        @Override
        Object eval(Env env) {
            return Arith.posAttrs(pos);
        }
    }
}
