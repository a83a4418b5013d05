package io.hostspec.nix.internal;

import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.List;

/** Nix's indented strings ({@code ''...''}): the common indentation of the lines is removed, as Nix does it. */
final class IndentedStrings {

    private IndentedStrings() {
    }

    /**
     * Builds the expression of an indented string.
     *
     * @param pos   where it starts
     * @param parts text tokens and interpolated expressions, in order
     */
    static Expr build(Pos pos, List<Object> parts) {
        boolean atStart = true;
        int minIndent = Integer.MAX_VALUE;
        int cur = 0;
        for (Object part : parts) {
            if (!(part instanceof Token t) || !t.hasIndentation()) {
                if (atStart) {
                    atStart = false;
                    minIndent = Math.min(minIndent, cur);
                }
                continue;
            }
            String s = t.text();
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (atStart) {
                    if (c == ' ') {
                        cur++;
                    } else if (c == '\n') {
                        cur = 0;
                    } else {
                        atStart = false;
                        minIndent = Math.min(minIndent, cur);
                    }
                } else if (c == '\n') {
                    atStart = true;
                    cur = 0;
                }
            }
        }
        List<Expr> out = new ArrayList<>();
        atStart = true;
        int dropped = 0;
        int n = parts.size();
        for (Object part : parts) {
            n--;
            if (part instanceof Expr e) {
                atStart = false;
                dropped = 0;
                out.add(e);
                continue;
            }
            Token t = (Token) part;
            String s = t.text();
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (atStart) {
                    if (c == ' ') {
                        if (dropped++ >= minIndent) {
                            b.append(c);
                        }
                    } else if (c == '\n') {
                        dropped = 0;
                        b.append(c);
                    } else {
                        atStart = false;
                        dropped = 0;
                        b.append(c);
                    }
                } else {
                    b.append(c);
                    if (c == '\n') {
                        atStart = true;
                    }
                }
            }
            String s2 = b.toString();
            if (n == 0) {
                int nl = s2.lastIndexOf('\n');
                if (nl >= 0 && s2.substring(nl + 1).chars().allMatch(ch -> ch == ' ')) {
                    s2 = s2.substring(0, nl + 1);
                }
            }
            out.add(new OpExprs.Const(t.pos(), s2));
        }
        if (out.isEmpty()) {
            return new OpExprs.Const(pos, "");
        }
        if (out.size() == 1 && out.get(0) instanceof OpExprs.Const c) {
            return new OpExprs.Const(pos, c.value);
        }
        return new OpExprs.Interp(pos, out, false);
    }
}
