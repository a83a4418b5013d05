package io.hostspec.nix;

import io.hostspec.module.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lib.evalModules through hostspec's module system: options, mkIf on config, priorities, order, conflicts. */
class NixModulesTest {

    @TempDir
    Path dir;

    private String evalModules(String modules) {
        return NixEvaluator.onLargeStack(() -> {
            NixEvaluator nix = NixEvaluator.create(dir, List.of(), Map.of(),
                    Map.of("hostspecEvalModules", new EvalModulesHook()));
            return NixPrinter.print(nix.evalExpr("((import <nixpkgs/lib>).evalModules { modules = [ " + modules
                    + " ]; }).config"), true);
        }, Duration.ofSeconds(60));
    }

    private void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void modulesDeclareDefineAndReadConfig() throws IOException {
        write("a.nix", """
                { lib, config, ... }:
                let cfg = config.demo; in {
                  options.demo = {
                    enable = lib.mkEnableOption "demo";
                    port = lib.mkOption { type = lib.types.port; default = 80; };
                    names = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
                    motd = lib.mkOption { type = lib.types.str; default = "off"; };
                  };
                  config = lib.mkIf cfg.enable {
                    demo.motd = "on ${toString cfg.port}";
                    demo.names = lib.mkAfter [ "last" ];
                  };
                }
                """);
        write("b.nix", "{ lib, ... }: { demo.enable = true; demo.port = lib.mkForce 8080; demo.names = [ \"x\" ]; }");
        write("c.nix", "{ demo.port = 1; }");
        assertEquals("{ demo = { enable = true; motd = \"on 8080\"; names = [ \"x\" \"last\" ]; port = 8080; }; }",
                evalModules("./a.nix ./b.nix ./c.nix"));
        assertEquals("{ demo = { enable = false; motd = \"off\"; names = [ ]; port = 1; }; }",
                evalModules("./a.nix ./c.nix"));
    }

    @Test
    void conflictsNameEveryDefinitionWithFileAndLine() throws IOException {
        write("a.nix", "{ lib, ... }: { options.p = lib.mkOption { type = lib.types.int; }; config.p = 1; }");
        write("b.nix", "{\n  p = 2;\n}");
        ConfigException e = assertThrows(ConfigException.class, () -> evalModules("./a.nix ./b.nix"));
        assertTrue(e.getMessage().contains("a.nix:1") && e.getMessage().contains("b.nix:2"), e.getMessage());
    }
}
