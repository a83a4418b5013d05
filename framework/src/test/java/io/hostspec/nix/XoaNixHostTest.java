package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Realization;
import io.hostspec.realize.Recipe;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** vm-images/hosts/xoa.nix realizes to the same recipe as hosts/xoa.toml. */
class XoaNixHostTest {

    private static Config evaluate(String host) {
        ModuleSystem ms = ModuleSystem.create(root(), List.of(), Realization.builtIns());
        return ms.evaluate(List.of(ms.load(host, new Provenance("XoaNixHostTest", 1))));
    }

    private static Recipe realize(String host) {
        return Realization.realize(evaluate(host));
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm-images"))) {
                return p;
            }
        }
        throw new IllegalStateException("no vm-images folder above " + Path.of("").toAbsolutePath());
    }

    @Test
    void nixHostRealizesLikeTheTomlHost() {
        Recipe toml = realize("vm-images/hosts/xoa.toml");
        Recipe nix = realize("vm-images/hosts/xoa.nix");
        // everything but where the host's own options are written (xoa.toml:N versus xoa.nix:M)
        assertEquals(new Recipe(toml.hostName(), toml.packages(), toml.files(), toml.groups(), toml.users(),
                toml.units(), toml.nftables(), toml.sysctls(), toml.kernelModules(), toml.stateDirs(), toml.hardware(),
                toml.artifacts(), new java.util.TreeMap<>()), new Recipe(nix.hostName(), nix.packages(), nix.files(), nix.groups(),
                nix.users(), nix.units(), nix.nftables(), nix.sysctls(), nix.kernelModules(), nix.stateDirs(),
                nix.hardware(), nix.artifacts(), new java.util.TreeMap<>()));
        assertEquals(toml.options().keySet(), nix.options().keySet());
        assertEquals(List.of("vm-images/hosts/xoa.nix:13"), nix.options().get("networking.hostName"));
        assertEquals(toml.imageHash(), nix.imageHash(), "the same image cache entry");
        assertEquals(toml.hash(), nix.hash());
    }

    @Test
    void nixHostIsMadeOfNixModulesOnlyAndTomlHostOfTomlOnes() {
        assertEquals(List.of(), evaluate("vm-images/hosts/xoa.nix").modules().stream().map(Module::file)
                .filter(f -> !f.endsWith(".nix")).toList());
        assertEquals(List.of(), evaluate("vm-images/hosts/xoa.toml").modules().stream().map(Module::file)
                .filter(f -> !f.endsWith(".toml")).toList());
        assertEquals(List.of("vm-images/hosts/xoa.nix", "vm-images/modules/core/base.nix",
                        "vm-images/modules/core/boot.nix"),
                evaluate("vm-images/hosts/xoa.nix").modules().stream().map(Module::file).limit(3).toList());
    }

    @Test
    void theNixModulesDeclareWhatTheTomlModulesDeclare() {
        assertEquals(declared("vm-images/hosts/xoa.toml"), declared("vm-images/hosts/xoa.nix"));
    }

    private static List<String> declared(String host) {
        return evaluate(host).declarations().stream().filter(d -> d.path().startsWith("nixoa."))
                .map(d -> d.path() + " : " + d.type().name() + " = " + (d.hasDefault() ? d.defaultValue() : "-"))
                .toList();
    }
}
