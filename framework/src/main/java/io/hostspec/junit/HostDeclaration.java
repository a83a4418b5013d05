package io.hostspec.junit;

import io.hostspec.host.ScenarioHosts;
import io.hostspec.junit.internal.InlineNix;
import io.hostspec.lab.CallSite;
import io.hostspec.module.Provenance;

import java.util.ArrayList;
import java.util.List;

/**
 * One host of a {@link HostspecTest}: its name and the modules it is composed from, in order, like the Gherkin
 * declarations ({@code Given the host "xoa" from "hosts/xoa"}, {@code ... is configured with:}). Immutable; every
 * {@code withX} returns a new declaration. Inline modules carry the file:line of the Java code that declared them.
 *
 * @param name    the host's name in the lab
 * @param modules what it is composed from, in order
 * @param where   where it was declared (the test's source file and line)
 */
public record HostDeclaration(String name, List<Part> modules, Provenance where) {

    /** A declaration; the module list is copied. */
    public HostDeclaration {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a host needs a name, e.g. HostDeclaration.host(\"xoa\")");
        }
        modules = List.copyOf(modules);
    }

    /** One module of a declaration. */
    public sealed interface Part {
        /** @param name a module or host file ({@code hosts/xoa}, {@code core/base}) or a .toml/.nix path */
        record Module(String name) implements Part {
        }

        /**
         * @param text  a module written in TOML
         * @param where the line that added it: its definitions' file:line count from there
         */
        record Toml(String text, Provenance where) implements Part {
        }

        /** @param text a module written in Nix */
        record Nix(String text) implements Part {
        }
    }

    /** A host with only the built-in namespace (nothing imported), declared at the caller's line. */
    public static HostDeclaration host(String name) {
        return new HostDeclaration(name, List.of(), CallSite.caller());
    }

    /** Adds modules or host files ({@code "hosts/xoa"}, {@code "core/base, xo/xoa"}, a .toml or .nix path). */
    public HostDeclaration from(String... modules) {
        HostDeclaration d = this;
        for (String list : modules) {
            for (String m : list.split(",")) {
                if (!m.isBlank()) {
                    d = d.with(new Part.Module(m.strip()));
                }
            }
        }
        return d;
    }

    /**
     * Adds a module written in TOML (what a Gherkin docstring holds). Its definitions carry the caller's file and
     * line; two inline modules of one host are two modules only when written on different lines.
     */
    public HostDeclaration withToml(String toml) {
        return with(new Part.Toml(toml, CallSite.caller()));
    }

    /** Adds a module written in Nix (a module function or attribute set). */
    public HostDeclaration withNix(String nix) {
        return with(new Part.Nix(nix));
    }

    /** Chooses the host's backend, {@code vm} or {@code container} ({@code virtualisation.backend}). */
    public HostDeclaration onBackend(String backend) {
        return with(new Part.Toml("\"virtualisation.backend\" = \"" + backend + "\"\n",
                new Provenance("<backend of " + name + ">", 0)));
    }

    private HostDeclaration with(Part part) {
        List<Part> all = new ArrayList<>(modules);
        all.add(part);
        return new HostDeclaration(name, all, where);
    }

    /** Declares this host in a lab's declarations, in order. */
    void declareIn(ScenarioHosts hosts) {
        hosts.declare(name);
        for (Part part : modules) {
            if (part instanceof Part.Module m) {
                hosts.addModules(name, m.name(), where);
            } else if (part instanceof Part.Toml t) {
                hosts.addText(name, t.text(), t.where().file(), t.where().line());
            } else if (part instanceof Part.Nix n) {
                hosts.addModules(name, InlineNix.file(n.text()).toString(), where);
            }
        }
    }

    /** The declaration an annotation makes. */
    static HostDeclaration of(TestHost a, Class<?> declaredOn) {
        String file = declaredOn.getName().replace('.', '/') + ".java";
        HostDeclaration d = new HostDeclaration(a.name(), List.of(), new Provenance(file, 0)).from(a.from());
        if (!a.toml().isBlank()) {
            d = d.with(new Part.Toml(a.toml(), d.where()));
        }
        if (!a.nix().isBlank()) {
            d = d.withNix(a.nix());
        }
        return a.backend().isBlank() ? d : d.onBackend(a.backend());
    }
}
