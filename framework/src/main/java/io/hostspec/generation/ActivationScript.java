package io.hostspec.generation;

import io.hostspec.image.GenerationRecord;
import io.hostspec.image.internal.Accounts;
import io.hostspec.image.internal.RecipeApplier;
import io.hostspec.machine.Shell;
import io.hostspec.realize.Recipe.FileEntry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link SwitchPlan} as one POSIX shell script for the guest, so that a switch costs one file transfer and
 * one command instead of a round trip per file. The script stops removed units first (their unit files go away),
 * then, stopping at the first error, creates accounts, writes files atomically (base64 in a here-document, owner and
 * mode set on a temporary file that is renamed over the target), updates {@code .wants} links, reloads systemd and
 * records the new current generation durably. Only then, without stopping at errors, it reloads the firewall, applies
 * sysctls and acts on units. Every action it takes, and every failure with the failing tool's output, is one
 * {@link ActivationEvent} line, rendered and parsed by that one class.
 */
final class ActivationScript {

    /** Where the guest keeps its generation record: {@code current} and {@code history}. */
    static final String RECORD_DIR = GenerationRecord.DIR;
    /** The here-document delimiter; base64 text can never contain it. */
    private static final String EOF = "HOSTSPEC_EOF";

    private ActivationScript() {
    }

    /**
     * The script activating a plan as generation {@code number}.
     *
     * @param plan          what to change
     * @param number        the generation becoming current
     * @param kind          {@code switch} or {@code rollback}, for the history
     * @param imageHash     the new generation's image hash, for the history
     * @return the script text
     */
    static String render(SwitchPlan plan, int number, String kind, String imageHash) {
        return render(plan, number, kind, imageHash, List.of(), null, null);
    }

    /**
     * The script activating a plan as generation {@code number}, first unpacking a package delta: the base layer
     * difference ({@link BaseLayerDelta}) whose tarball was written to {@code deltaTar} in the guest.
     *
     * @param accounts the account commands ({@link Accounts#commands}), run after the package delta
     * @param delta    the package delta, or null when the package set did not change
     * @param deltaTar the guest path of the delta tarball (ignored without a delta)
     */
    static String render(SwitchPlan plan, int number, String kind, String imageHash, List<List<String>> accounts,
                         BaseLayerDelta delta, String deltaTar) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# hostspec: activate generation " + number + " (" + kind
                + ")\nset -u\numask 022\n");
        s.append("unit_path() { for d in ").append(String.join(" ", RecipeApplier.PACKAGE_UNIT_DIRS))
                .append("; do if [ -f \"$d/$1\" ]; then echo \"$d/$1\"; return; fi; done;")
                .append(" echo \"/lib/systemd/system/$1\"; }\n");

        s.append("\n# units the new generation no longer has, stopped while their unit files exist\n");
        for (String unit : plan.stop()) {
            s.append(ifActive(unit, "stop", SwitchResult.Action.STOPPED));
            // a removed unit that had failed would otherwise stay listed by systemctl --failed
            s.append("systemctl reset-failed ").append(q(unit)).append(" 2>/dev/null\n");
        }

        s.append("\nset -e\n");
        boolean packageUnits = false;
        if (delta != null) {
            s.append("# packages: the difference between the two base layers (dpkg state included)\n");
            if (!delta.changed().isEmpty()) {
                s.append("tar -x -p --numeric-owner --xattrs --xattrs-include='*' -f ").append(q(deltaTar))
                        .append(" -C /\n");
            }
            if (!delta.removed().isEmpty()) {
                String list = deltaTar.replaceAll("\\.tar$", "") + ".removed";
                s.append("cat > ").append(q(list)).append(" <<'").append(EOF).append("'\n");
                delta.removed().forEach(p -> s.append(p).append('\n'));
                s.append(EOF).append('\n');
                // files and links first, then the directories left empty, deepest first
                s.append("while IFS= read -r p; do if [ -L \"$p\" ] || [ ! -d \"$p\" ]; then rm -f \"$p\"; fi; done < ")
                        .append(q(list)).append('\n');
                s.append("sort -r ").append(q(list)).append(" | while IFS= read -r p; do if [ -d \"$p\" ] && [ ! -L \"$p\" ];"
                        + " then rmdir \"$p\" 2>/dev/null || true; fi; done\n");
            }
            for (var file : delta.accountLines().entrySet()) {
                for (String line : file.getValue()) {
                    String name = line.split(":", 2)[0];
                    s.append("grep -q ").append(q("^" + name + ":")).append(' ').append(q(file.getKey()))
                            .append(" || printf '%s\\n' ").append(q(line)).append(" >> ").append(q(file.getKey()))
                            .append('\n');
                }
            }
            s.append("ldconfig\n");
            packageUnits = java.util.stream.Stream.concat(delta.changed().stream(), delta.removed().stream())
                    .anyMatch(p -> p.contains("/systemd/system/") || p.contains("/systemd/user/"));
        }
        s.append("# accounts (rendered by Accounts from the guest's own, as an image build renders them)\n");
        for (List<String> cmd : accounts) {
            s.append(join(cmd)).append('\n');
        }
        s.append("\n# files\n");
        for (FileEntry f : plan.write().values()) {
            String tmp = f.path() + ".hostspec-new";
            s.append("mkdir -p ").append(q(parent(f.path()))).append('\n');
            s.append("base64 -d > ").append(q(tmp)).append(" <<'").append(EOF).append("'\n")
                    .append(Base64.getMimeEncoder(76, new byte[] {'\n'})
                            .encodeToString(f.content().getBytes(StandardCharsets.UTF_8)))
                    .append('\n').append(EOF).append('\n');
            s.append("chown ").append(q(owner(f))).append(' ').append(q(tmp)).append(" && chmod ")
                    .append(f.mode() == null ? "0644" : f.mode()).append(' ').append(q(tmp)).append(" && mv -f ")
                    .append(q(tmp)).append(' ').append(q(f.path())).append('\n');
        }
        for (String path : plan.remove()) {
            s.append("rm -f ").append(q(path)).append('\n');
        }
        for (String link : plan.linksToRemove()) {
            s.append("rm -f ").append(q(link)).append('\n');
        }
        for (Map.Entry<String, String> link : new TreeMap<>(plan.linksToAdd()).entrySet()) {
            s.append("mkdir -p ").append(q(parent(link.getKey()))).append(" && ln -sfn \"$(unit_path ")
                    .append(q(link.getValue())).append(")\" ").append(q(link.getKey())).append('\n');
        }
        boolean unitsChanged = packageUnits || !plan.linksToAdd().isEmpty() || !plan.linksToRemove().isEmpty()
                || plan.write().keySet().stream().anyMatch(p -> p.startsWith(RecipeApplier.UNIT_DIR + "/"))
                || plan.remove().stream().anyMatch(p -> p.startsWith(RecipeApplier.UNIT_DIR + "/"));
        if (unitsChanged) {
            // seconds under TCG: only when a unit file or link changed
            s.append("systemctl daemon-reload\n");
        }

        s.append("\n# the record: written before acting on units, so a failing unit still leaves a generation to roll"
                + " back from\n");
        s.append(GenerationRecord.renderActivation(number, kind, imageHash));

        s.append("\nset +e\n");
        if (plan.firewallChanged()) {
            s.append(ActivationEvent.renderFirewall(RecipeApplier.NFTABLES_FILE));
        }
        if (plan.sysctlsChanged()) {
            s.append(ActivationEvent.renderSysctls(RecipeApplier.SYSCTL_FILE));
        }
        for (String unit : plan.reload()) {
            s.append(ifActive(unit, "reload-or-restart", SwitchResult.Action.RELOADED));
        }
        for (String unit : plan.restart()) {
            s.append(ifActive(unit, "restart", SwitchResult.Action.RESTARTED));
        }
        for (String unit : plan.start()) {
            s.append(ActivationEvent.renderUnit("start", SwitchResult.Action.STARTED, unit));
        }
        s.append("exit 0\n");
        return s.toString();
    }

    private static String ifActive(String unit, String verb, SwitchResult.Action done) {
        return "if systemctl is-active --quiet " + q(unit) + "; then "
                + ActivationEvent.renderUnit(verb, done, unit).strip() + "; fi\n";
    }

    private static String owner(FileEntry f) {
        return (f.user() == null ? "root" : f.user()) + ":" + (f.group() == null ? "root" : f.group());
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String join(List<String> argv) {
        return String.join(" ", argv.stream().map(ActivationScript::q).toList());
    }

    private static String q(String s) {
        return Shell.quote(s);
    }
}
