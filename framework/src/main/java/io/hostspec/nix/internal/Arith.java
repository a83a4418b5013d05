package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;

import java.util.TreeMap;

/** Integer and float arithmetic with Nix's rules: 64-bit integers that fail on overflow, floats when either is. */
final class Arith {

    private Arith() {
    }

    static Object arith(OpExprs.Op op, Object a, Object b, Pos pos) {
        if (a instanceof Long x && b instanceof Long y) {
            try {
                return switch (op) {
                    case ADD -> Math.addExact(x, y);
                    case SUB -> Math.subtractExact(x, y);
                    case MUL -> Math.multiplyExact(x, y);
                    case DIV -> {
                        if (y == 0) {
                            throw new NixException("division by zero", pos);
                        }
                        if (x == Long.MIN_VALUE && y == -1) {
                            throw new ArithmeticException();
                        }
                        yield x / y;
                    }
                    default -> throw new IllegalStateException(op.name());
                };
            } catch (ArithmeticException e) {
                String sym = switch (op) {
                    case ADD -> "+";
                    case SUB -> "-";
                    case MUL -> "*";
                    default -> "/";
                };
                String verb = switch (op) {
                    case ADD -> "adding";
                    case SUB -> "subtracting";
                    case MUL -> "multiplying";
                    default -> "dividing";
                };
                throw new NixException("integer overflow in " + verb + " " + x + " " + sym + " " + y, pos);
            }
        }
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            double x = ((Number) a).doubleValue();
            double y = ((Number) b).doubleValue();
            return switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> {
                    if (y == 0) {
                        throw new NixException("division by zero", pos);
                    }
                    yield x / y;
                }
                default -> throw new IllegalStateException(op.name());
            };
        }
        if (op == OpExprs.Op.ADD) {
            throw new NixException("cannot add " + Ops.showType(b) + " to " + Ops.showType(a), pos);
        }
        Object bad = a instanceof Long || a instanceof Double ? b : a;
        throw Ops.typeError("an integer", bad, pos);
    }

    /** A position as Nix shows it to programs: {@code { file; line; column; }}. */
    static NixAttrs posAttrs(Pos pos) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("file", pos.file());
        m.put("line", (long) pos.line());
        m.put("column", (long) pos.col());
        return new NixAttrs(m, null);
    }
}
