package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;

/**
 * {@code services.openssh.*}: Debian's openssh-server with a drop-in in /etc/ssh/sshd_config.d (Debian's sshd_config
 * includes it first, and the first value of a keyword wins); the ports are opened when {@code openFirewall}.
 */
final class OpensshRealizer implements Realizer {

    private static final String P = "services.openssh.";

    @Override
    public List<OptionDecl> options() {
        return new Declarations("services.openssh")
                .add(P + "enable", Types.bool(), false, "Whether to run the OpenSSH daemon.")
                .add(P + "ports", Types.listOf(Types.port()), List.of(22L), "Ports sshd listens on.")
                .add(P + "openFirewall", Types.bool(), true, "Whether to open the ports in the firewall.")
                .add(P + "settings.PasswordAuthentication", Types.bool(), true,
                        "Whether password authentication is allowed.")
                .add(P + "settings.PermitRootLogin", Types.enumOf(List.of("yes", "without-password",
                                "prohibit-password", "forced-commands-only", "no")), "prohibit-password",
                        "Whether root may log in, and how.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        if (!config.bool(P + "enable")) {
            return;
        }
        recipe.pkg("openssh-server", P + "enable");
        StringBuilder conf = new StringBuilder();
        @SuppressWarnings("unchecked")
        List<Long> ports = (List<Long>) config.get(P + "ports");
        ports.forEach(p -> conf.append("Port ").append(p).append('\n'));
        conf.append("PasswordAuthentication ").append(config.bool(P + "settings.PasswordAuthentication") ? "yes" : "no")
                .append('\n')
                .append("PermitRootLogin ").append(config.str(P + "settings.PermitRootLogin")).append('\n');
        recipe.file("/etc/ssh/sshd_config.d/hostspec.conf", conf.toString(), P + "enable", P + "ports",
                P + "settings.PasswordAuthentication", P + "settings.PermitRootLogin");
        recipe.unit("ssh.service", null, List.of("multi-user.target"), true, P + "enable");
        if (config.bool(P + "openFirewall")) {
            ports.forEach(p -> recipe.port("tcp", p, P + "ports", P + "openFirewall"));
        }
    }
}
