package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixFunction;
import io.hostspec.nix.Pos;

/** A closure: a lambda expression with the environment it was created in. */
final class Lambda extends NixFunction {

    final Exprs.Fn fn;
    final Env env;

    Lambda(Exprs.Fn fn, Env env) {
        this.fn = fn;
        this.env = env;
    }

    @Override
    public Object apply(Object arg, Pos callPos) {
        Exprs.Fn f = fn;
        Object[] vals = new Object[f.envSize];
        Env inner = new Env(env, vals);
        if (f.formals == null) {
            vals[0] = arg;
        } else {
            NixAttrs a;
            try {
                a = Ops.attrs(arg, callPos);
            } catch (NixException e) {
                throw e.addFrame("while evaluating the value passed for the lambda argument", f.pos);
            }
            int used = 0;
            for (int k = 0; k < f.formals.size(); k++) {
                Exprs.Formal formal = f.formals.get(k);
                Object v = a.lazy(formal.name());
                if (v == null) {
                    if (formal.def() == null) {
                        throw new NixException("function '" + f.displayName() + "' called without required argument '"
                                + formal.name() + "'", f.pos).addFrame("from call site", callPos);
                    }
                    vals[k] = formal.def().lazy(inner);
                } else {
                    vals[k] = v;
                    used++;
                }
            }
            if (!f.ellipsis && used != a.size()) {
                for (String name : a.map().keySet()) {
                    if (!f.formalNames.contains(name)) {
                        throw new NixException("function '" + f.displayName() + "' called with unexpected argument '"
                                + name + "'" + Suggest.didYouMean(name, f.formalNames), f.pos)
                                .addFrame("from call site", callPos);
                    }
                }
            }
            if (f.arg != null) {
                vals[f.formals.size()] = arg;
            }
        }
        try {
            return f.body.eval(inner);
        } catch (NixException e) {
            throw e.addFrame("while calling " + (f.name == null ? "anonymous lambda" : "'" + f.name + "'"), callPos);
        }
    }

    @Override
    public String printed() {
        return "<LAMBDA>";
    }
}
