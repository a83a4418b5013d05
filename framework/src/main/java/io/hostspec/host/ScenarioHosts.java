package io.hostspec.host;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Provenance;
import io.hostspec.module.Values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hosts one scenario declares, in declaration order, and the evaluation-only assertions on them. Declaring a host
 * twice adds modules to it; a host named before it is declared is an error naming the declared ones.
 */
public final class ScenarioHosts {

    private final Hosts hosts;
    private final Map<String, HostSpec> specs = new LinkedHashMap<>();

    /** The hosts of a scenario, evaluated by {@code hosts}. */
    public ScenarioHosts(Hosts hosts) {
        this.hosts = hosts;
    }

    /** Declares a host with only the built-in namespace (no module imported). */
    public void declare(String name) {
        specs.putIfAbsent(name, HostSpec.named(name));
    }

    /** Declares a host (if needed) and adds modules to it, named at {@code where}. */
    public void addModules(String name, String commaSeparated, Provenance where) {
        declare(name);
        for (String m : commaSeparated.split(",")) {
            if (!m.isBlank()) {
                specs.put(name, specs.get(name).withModule(m.trim(), where));
            }
        }
    }

    /**
     * Declares a host (if needed) and gives it host features, comma-separated ({@code "development, security"}).
     *
     * @throws IllegalArgumentException for a name that is not a feature name
     */
    public void addFeatures(String name, String commaSeparated) {
        declare(name);
        List<String> features = java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim)
                .filter(f -> !f.isEmpty()).toList();
        specs.put(name, specs.get(name).withFeatures(features));
    }

    /** Declares a host (if needed) and adds a TOML module written inline, e.g. a docstring, to it. */
    public void addText(String name, String toml, String file, int lineOffset) {
        addText(name, toml, file, lineOffset, null);
    }

    /**
     * Declares a host (if needed) and adds a module written inline to it, in the format of the content type
     * ({@code toml} or {@code nix}; null or blank: TOML), e.g. a docstring opened with {@code """nix}.
     */
    public void addText(String name, String text, String file, int lineOffset, String contentType) {
        declare(name);
        specs.put(name, specs.get(name).withText(text, file, lineOffset, contentType));
    }

    /** The spec of a declared host. */
    public HostSpec spec(String name) {
        HostSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("no host \"" + name + "\" is declared in this scenario; declared: "
                    + (specs.isEmpty() ? "none" : String.join(", ", specs.keySet()))
                    + ". Declare it first, e.g. Given a host \"" + name + "\"");
        }
        return spec;
    }

    /** The declared host names, in order. */
    public Set<String> names() {
        return specs.keySet();
    }

    /** The evaluated and realized host. */
    public EvaluatedHost evaluate(String name) {
        return hosts.evaluate(spec(name));
    }

    /** Evaluates only (realizes and builds nothing). */
    public Config configure(String name) {
        return hosts.configure(spec(name));
    }

    /**
     * Asserts an option's final value written as TOML with strings unquoted ({@code xoa}, {@code 443},
     * {@code [80, 443]}).
     */
    public void assertOption(String host, String option, String expected) {
        Object value = configure(host).get(option);
        String actual = Values.plain(value);
        if (!actual.equals(expected)) {
            throw new AssertionError("the option `" + option + "' of \"" + host + "\": expected " + expected
                    + " but it is " + actual);
        }
    }

    /**
     * Asserts that the host declares the option not applicable on a test machine
     * ({@code virtualisation.notApplicable}) with a reason containing {@code reason}; boots nothing.
     *
     * @return the declared entry, for the report
     * @throws AssertionError when the host does not declare the option, or declares another reason; the message lists
     *                        what the host declares
     */
    public NotApplicable assertNotApplicable(String host, String option, String reason) {
        Config config = configure(host);
        @SuppressWarnings("unchecked")
        Map<String, String> declared = (Map<String, String>) config.get("virtualisation.notApplicable");
        String have = declared.get(option);
        if (have == null || !have.contains(reason.strip())) {
            throw new AssertionError("expected \"" + host + "\" to declare the option `" + option + "' not applicable "
                    + "with the reason \"" + reason.strip() + "\", but " + (have == null ? "it does not" : "its reason is \""
                    + have + "\"") + "; virtualisation.notApplicable of \"" + host + "\" holds "
                    + (declared.isEmpty() ? "nothing" : declared.keySet()) + " (docs/targets.md)");
        }
        // provenance is kept per option, not per attribute: the definitions of the whole set, one of them this entry
        List<Provenance> at = config.definedAt(List.of("virtualisation", "notApplicable"));
        return new NotApplicable(host, option, have, at);
    }

    /**
     * An option of a host's target that a test machine cannot honour, as the host declares it.
     *
     * @param host       the scenario's host
     * @param option     the option path
     * @param reason     the declared reason
     * @param declaredAt where the host's modules define {@code virtualisation.notApplicable} (this entry is in one)
     */
    public record NotApplicable(String host, String option, String reason, List<Provenance> declaredAt) {
        /** One line for a report: {@code [host] option: not applicable: reason (file:line)}. */
        public String report() {
            return "[" + host + "] " + option + ": not applicable on a test machine: " + reason
                    + (declaredAt.isEmpty() ? "" : " (declared at " + declaredAt.stream().map(Provenance::toString)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")");
        }
    }

    /** Asserts that the host's configuration is rejected with a message containing {@code text}. */
    public void assertRejected(String host, String text) {
        try {
            evaluate(host);
        } catch (ConfigException e) {
            if (!e.getMessage().contains(text)) {
                throw new AssertionError("the configuration of \"" + host + "\" was rejected, but not with \""
                        + text + "\":\n" + e.getMessage(), e);
            }
            return;
        }
        throw new AssertionError("expected the configuration of \"" + host + "\" to be rejected with \"" + text
                + "\", but it evaluated without error");
    }
}
