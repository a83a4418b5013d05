package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;

/**
 * {@code security.tpm2.enable}: the host gets an emulated TPM 2.0 (swtpm on the host, docs/tpm.md) and the guest
 * gets {@code tpm2-tools}. The device is {@code /dev/tpm0}, with the kernel's resource manager at {@code /dev/tpmrm0},
 * which tpm2-tools uses by default.
 */
final class TpmRealizer implements Realizer {

    @Override
    public List<OptionDecl> options() {
        return new Declarations("tpm")
                .add("security.tpm2.enable", Types.bool(), false,
                        "Give the host an emulated TPM 2.0 (its state lives as long as the machine in its scenario) "
                                + "and install tpm2-tools.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        if (!config.bool("security.tpm2.enable")) {
            return;
        }
        recipe.pkg("tpm2-tools", "security.tpm2.enable");
        recipe.hardware(recipe.hardware().withTpm(true), "security.tpm2.enable");
    }
}
