package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.OptionPath;
import io.hostspec.module.Types;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code time.timeZone}, {@code i18n.defaultLocale}, {@code boot.kernelModules}, {@code boot.kernel.sysctl} and
 * {@code virtualisation.{memorySize, cores, vlans, backend}} (the NixOS qemu-vm names and defaults), and
 * {@code virtualisation.notApplicable}: what a host's target promises that a test machine cannot have, by option
 * path, each with its reason (every key must name an option of the host).
 */
final class SystemRealizer implements Realizer {

    static final String TIMEZONE_UNIT = "hostspec-timezone.service";

    @Override
    public List<OptionDecl> options() {
        return new Declarations("system")
                .add("time.timeZone", Types.nullOr(Types.str()), null,
                        "The time zone, e.g. \"Europe/Paris\"; null keeps the image's default (UTC).")
                .add("i18n.defaultLocale", Types.str(), "C.UTF-8",
                        "The default locale (LANG). Locales other than C.* and POSIX install locales-all.")
                .add("boot.kernelModules", Types.listOf(Types.str()), List.of(), "Kernel modules loaded at boot.")
                .add("boot.kernel.sysctl", Types.attrsOf(Types.anything()), Map.of(),
                        "Kernel parameters set at boot; true/false are written as 1/0.")
                .add("virtualisation.memorySize", Types.integer(), 1024L, "The VM's memory in MiB.")
                .add("virtualisation.cores", Types.integer(), 1L, "The VM's number of virtual CPUs.")
                .add("virtualisation.vlans", Types.listOf(Types.integer()), List.of(1L),
                        "The virtual LANs the VM is connected to.")
                .add("virtualisation.backend", Types.nullOr(Types.enumOf(List.of("vm", "container"))), null,
                        "Where the host runs: \"vm\" (a Debian VM under QEMU) or \"container\" (a systemd container "
                                + "on the local Docker engine, docs/backends.md); null follows the run's --backend.")
                .add("virtualisation.notApplicable", Types.attrsOf(Types.str()), Map.of(),
                        "Options of the host's target that a test machine cannot honour, each with the reason, e.g. "
                                + "\"hardware.hetzner.ipv6Address\" = \"the test LAN has no IPv6 router\". Features "
                                + "report them with `Then the option \"X\" is not applicable on \"h\": reason` "
                                + "(docs/targets.md). Every key must name an option (or a group of options) of the host.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        String tz = config.str("time.timeZone");
        if (tz != null) {
            // /etc/localtime is a symlink, which a recipe file cannot express: a oneshot sets it early at boot.
            recipe.pkg("tzdata", "time.timeZone");
            recipe.file("/etc/timezone", tz + "\n", "time.timeZone");
            recipe.script("/etc/hostspec/scripts/hostspec-timezone.sh", "#!/bin/sh\nset -e\nln -sfn /usr/share/zoneinfo/"
                    + tz + " /etc/localtime\n", "time.timeZone");
            recipe.unit(TIMEZONE_UNIT, """
                    [Unit]
                    Description=Set the time zone from /etc/timezone
                    DefaultDependencies=no
                    Before=sysinit.target

                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=/etc/hostspec/scripts/hostspec-timezone.sh

                    [Install]
                    WantedBy=sysinit.target
                    """, List.of("sysinit.target"), false, "time.timeZone");
        }
        String locale = config.str("i18n.defaultLocale");
        recipe.file("/etc/default/locale", "LANG=" + locale + "\n", "i18n.defaultLocale");
        if (!locale.startsWith("C.") && !locale.equals("C") && !locale.equals("POSIX")) {
            recipe.pkg("locales-all", "i18n.defaultLocale");
        }
        for (String m : config.strings("boot.kernelModules")) {
            recipe.kernelModule(m, "boot.kernelModules");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> sysctl = (Map<String, Object>) config.get("boot.kernel.sysctl");
        sysctl.forEach((k, v) -> recipe.sysctl(k, v instanceof Boolean b ? (b ? "1" : "0") : String.valueOf(v),
                "boot.kernel.sysctl"));
        @SuppressWarnings("unchecked")
        Map<String, String> notApplicable = (Map<String, String>) config.get("virtualisation.notApplicable");
        for (String option : notApplicable.keySet()) {
            if (!declares(config, option)) {
                throw recipe.error("virtualisation.notApplicable names `" + option + "', which is not an option of "
                        + "this host; name a declared option or group of options", "virtualisation.notApplicable");
            }
        }
        TreeSet<Integer> vlans = new TreeSet<>();
        @SuppressWarnings("unchecked")
        List<Long> vl = (List<Long>) config.get("virtualisation.vlans");
        vl.forEach(v -> vlans.add(v.intValue()));
        recipe.hardware(new Recipe.Hardware((int) config.integer("virtualisation.memorySize"),
                (int) config.integer("virtualisation.cores"), vlans, config.str("virtualisation.backend")),
                "virtualisation.memorySize", "virtualisation.cores", "virtualisation.vlans", "virtualisation.backend");
    }

    /** Whether {@code option} is a declared option of the configuration, or a group of them ({@code <name>} matches any). */
    static boolean declares(Config config, String option) {
        List<String> want = OptionPath.parse(option);
        for (OptionDecl d : config.declarations()) {
            List<String> have = d.segments();
            if (have.size() < want.size()) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < want.size() && match; i++) {
                match = have.get(i).equals("<name>") || have.get(i).equals(want.get(i));
            }
            if (match) {
                return true;
            }
        }
        return false;
    }
}
