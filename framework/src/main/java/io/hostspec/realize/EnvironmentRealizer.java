package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;

/** {@code environment.systemPackages} and {@code environment.etc.<name>} (files under /etc). */
final class EnvironmentRealizer implements Realizer {

    @Override
    public List<OptionDecl> options() {
        return new Declarations("environment")
                .add("environment.systemPackages", Types.listOf(Types.pkg()), List.of(),
                        "Debian packages installed system-wide.")
                .add("environment.etc.<name>.enable", Types.bool(), true, "Whether to create /etc/<name>.")
                .required("environment.etc.<name>.text", Types.lines(), "The content of /etc/<name>.")
                .add("environment.etc.<name>.mode", Types.str(), "0644", "Octal mode of the file.")
                .add("environment.etc.<name>.user", Types.str(), "root", "Owner of the file.")
                .add("environment.etc.<name>.group", Types.str(), "root", "Group of the file.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        for (String p : config.strings("environment.systemPackages")) {
            recipe.pkg(p, "environment.systemPackages");
        }
        for (String name : config.names("environment.etc")) {
            Config.Scope f = config.scope("environment.etc", name);
            if (!f.bool("enable")) {
                continue;
            }
            if (!f.str("mode").matches("0?[0-7]{3,4}")) {
                throw recipe.error("environment.etc.\"" + name + "\".mode must be an octal mode such as \"0644\", got "
                        + f.str("mode"), f.name("mode"));
            }
            recipe.file(new Recipe.FileEntry("/etc/" + name, f.str("text"), f.str("mode"), f.str("user"), f.str("group")),
                    f.name("enable"), f.name("text"), f.name("mode"), f.name("user"), f.name("group"));
        }
    }
}
