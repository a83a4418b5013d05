package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.image.BuiltImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineSpecTest {

    private static final BuiltImage IMAGE = new BuiltImage("h", Path.of("/d"), Path.of("/k"), Path.of("/i"));

    @Test
    void withersReturnNewInstances() {
        MachineSpec base = MachineSpec.of("web", IMAGE);
        MachineSpec big = base.withMemoryMiB(2048).withCores(2).withExtraQemuArgs(List.of("-x"));
        assertEquals(512, base.memoryMiB());
        assertEquals(2048, big.memoryMiB());
        assertEquals(2, big.cores());
        assertEquals(List.of("-x"), big.extraQemuArgs());
        assertEquals(List.of(), base.extraQemuArgs());
    }

    @Test
    void rejectsBadValuesNamingTheMachine() {
        assertThrows(IllegalArgumentException.class, () -> MachineSpec.of("Web_1", IMAGE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MachineSpec.of("web", IMAGE).withMemoryMiB(64));
        assertTrue(e.getMessage().contains("machine web"), e.getMessage());
    }
}
