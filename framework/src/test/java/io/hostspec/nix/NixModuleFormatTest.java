package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Realization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** .nix modules inside hostspec's module system: imported from TOML and importing TOML, pkgs, errors. */
class NixModuleFormatTest {

    @TempDir
    Path root;

    private Config evaluate(String host) {
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return ms.evaluate(List.of(ms.load(host, new Provenance("NixModuleFormatTest", 1))));
    }

    private void write(String file, String text) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void tomlAndNixImportEachOther() throws IOException {
        write("vm-images/modules/web/cache.nix", """
                { config, lib, pkgs, ... }:
                let cfg = config.web.cache; in {
                  imports = [ "web/base" ];
                  options.web.cache.enable = lib.mkEnableOption "the cache";
                  config = lib.mkIf cfg.enable {
                    services.redis.servers.cache.enable = true;
                    services.redis.servers.cache.port = 6380;
                    environment.systemPackages = [ pkgs.redis ];
                  };
                }
                """);
        write("vm-images/modules/web/base.toml", "\"environment.systemPackages\" = [\"curl\"]\n");
        write("vm-images/hosts/h.toml", "imports = [\"web/cache\"]\n\"web.cache.enable\" = true\n");
        Config c = evaluate("hosts/h");
        assertEquals(6380L, c.get("services.redis.servers.cache.port"));
        assertTrue(c.strings("environment.systemPackages").containsAll(List.of("curl", "redis-server")),
                c.strings("environment.systemPackages").toString());
        assertEquals(List.of(new Provenance("vm-images/modules/web/cache.nix", 7)),
                c.definedAt(List.of("services", "redis", "servers", "cache", "port")));
    }

    @Test
    void unknownPackageNamesTheModuleAndLine() throws IOException {
        write("vm-images/hosts/h.nix", "{ pkgs, ... }:\n{\n  environment.systemPackages = [ pkgs.redis pkgs.htpo ];\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> evaluate("hosts/h"));
        assertTrue(e.getMessage().contains("vm-images/hosts/h.nix:3") && e.getMessage().contains("'htop'"),
                e.getMessage());
    }
}
