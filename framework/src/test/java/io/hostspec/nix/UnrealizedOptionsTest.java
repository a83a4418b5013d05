package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Definition;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.NixosOptions;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.OptionPath;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Realization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Definitions of options NixOS has but hostspec does not realize: an error by default, warnings on request. */
class UnrealizedOptionsTest {

    @TempDir
    Path root;

    private Config evaluate(String host) {
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return ms.evaluate(List.of(ms.load(host, new Provenance("UnrealizedOptionsTest", 1))));
    }

    private void write(String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static final String HOST = """
            { lib, ... }:
            {
              networking.hostName = "h";
              boot.loader.grub = {
                enable = true;
                device = "nodev";
              };
              hardware.cpu.intel.updateMicrocode = true;
              programs.git.enable = true;
              services.openssh.hostKeys = [ ];
              users.users.alice.hashedPassword = "!";
              services.xserver.enable = lib.mkIf false true;
            }
            """;

    @Test
    void anUnrealizedNixosOptionIsAnErrorListingEveryDefinitionWithFileAndLine() throws IOException {
        write("vm-images/hosts/h.nix", HOST);
        ConfigException e = assertThrows(ConfigException.class, () -> evaluate("hosts/h"));
        assertEquals(1, e.errors().size(), e.getMessage());
        ConfigError error = e.errors().get(0);
        assertEquals(ConfigError.Kind.UNREALIZED, error.kind());
        String m = error.message();
        assertTrue(m.startsWith("The host defines 6 options that NixOS has but hostspec does not realize"), m);
        for (String line : List.of(
                "- `boot.loader.grub.enable' at vm-images/hosts/h.nix:5 (NixOS boot.loader.*)",
                "- `boot.loader.grub.device' at vm-images/hosts/h.nix:6 (NixOS boot.loader.*)",
                "- `hardware.cpu.intel.updateMicrocode' at vm-images/hosts/h.nix:8 (NixOS hardware.*)",
                "- `programs.git.enable' at vm-images/hosts/h.nix:9 (NixOS programs.*)",
                "- `services.openssh.hostKeys' at vm-images/hosts/h.nix:10 (NixOS services.openssh.hostKeys)",
                "- `users.users.alice.hashedPassword' at vm-images/hosts/h.nix:11 "
                        + "(NixOS users.users.<name>.hashedPassword)")) {
            assertTrue(m.contains(line), "missing <" + line + "> in:\n" + m);
        }
        assertFalse(m.contains("xserver"), "a definition under mkIf false has no effect either way:\n" + m);
        assertTrue(m.contains("hostspec.unrealizedOptions = \"warn\""), m);
    }

    @Test
    void aHostMayAcceptThemAsWarnings() throws IOException {
        write("vm-images/hosts/h.nix", HOST.replace("networking.hostName = \"h\";",
                "networking.hostName = \"h\";\n  hostspec.unrealizedOptions = \"warn\";"));
        Config c = evaluate("hosts/h");
        assertEquals("h", c.get("networking.hostName"));
        assertEquals(List.of("boot.loader.grub.device", "boot.loader.grub.enable",
                        "hardware.cpu.intel.updateMicrocode", "programs.git.enable", "services.openssh.hostKeys",
                        "users.users.alice.hashedPassword"),
                c.unrealized().stream().map(Definition::optionName).toList());
        assertEquals(new Provenance("vm-images/hosts/h.nix", 10), c.unrealized().get(3).where());
    }

    @Test
    void aTomlHostIsCheckedTheSameWay() throws IOException {
        write("vm-images/hosts/h.toml", "\"networking.hostName\" = \"h\"\n\"boot.loader.grub.enable\" = true\n");
        ConfigException e = assertThrows(ConfigException.class, () -> evaluate("hosts/h"));
        assertTrue(e.getMessage().contains("- `boot.loader.grub.enable' at vm-images/hosts/h.toml:2"),
                e.getMessage());
    }

    @Test
    void anUnknownOptionStaysAnUnknownOptionWithASuggestion() throws IOException {
        write("vm-images/hosts/h.nix", "{\n  services.openssh.enabel = true;\n  networking.firewall.allowedTCPPort = [ 1 ];\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> evaluate("hosts/h"));
        assertEquals(List.of(ConfigError.Kind.UNDECLARED, ConfigError.Kind.UNDECLARED),
                e.errors().stream().map(ConfigError::kind).toList(), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean `services.openssh.enable'"), e.getMessage());
    }

    @Test
    void libEvalModulesKnowsOnlyWhatItsModulesDeclareAsInNixpkgs() {
        NixEvaluator nix = NixEvaluator.forProcess(List.of());
        RuntimeException e = assertThrows(RuntimeException.class, () -> NixEvaluator.onLargeStack(() -> nix.evalExpr(
                "((import <nixpkgs/lib>).evalModules { modules = [ { boot.loader.grub.enable = true; } ]; })"
                        + ".config"), java.time.Duration.ofMinutes(1)).toString());
        assertTrue(e.getMessage().contains("`boot.loader.grub.enable' does not exist"), e.getMessage());
    }

    @Test
    void theTableNeverNamesAnOptionTheBuiltInsDeclare() {
        for (OptionDecl d : Realization.builtIns()) {
            List<String> path = OptionPath.parse(d.path());
            assertEquals(Optional.empty(), NixosOptions.entryFor(path), d.path() + " is declared, so realized");
        }
        assertTrue(NixosOptions.entryFor(OptionPath.parse("systemd.services.x.path")).isPresent());
        assertFalse(NixosOptions.entryFor(OptionPath.parse("systemd.services.x.script")).isPresent());
    }
}
