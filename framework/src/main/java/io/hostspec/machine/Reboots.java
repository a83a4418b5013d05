package io.hostspec.machine;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The reboot of every backend, written once: read what tells one boot from the next, take the machine down and up
 * (the backend's part), wait for it to answer, and fail when the marker did not change, so that a reboot that never
 * happened cannot pass as one.
 */
public final class Reboots {

    private Reboots() {
    }

    /**
     * @param machine    the machine
     * @param marker     reads what differs between two boots (a VM's boot id, a container's start time)
     * @param markerName what the marker is, for the failure message
     * @param downAndUp  the backend's part: stops the running system and starts it again
     * @throws MachineException when the machine does not come back, or comes back with the same marker
     */
    public static void reboot(Machine machine, Supplier<String> marker, String markerName, Runnable downAndUp) {
        try (LogSection section = LogSection.open(machine.name(), "reboot")) {
            try {
                String before = marker.get();
                downAndUp.run();
                machine.waitUntilReady(Timeouts.boot());
                String after = marker.get();
                if (Objects.equals(before, after)) {
                    throw new MachineException(machine.name(), "[" + machine.name() + "] reboot did not happen: "
                            + markerName + " is still " + before, null, null);
                }
            } catch (RuntimeException e) {
                throw section.failed(e);
            }
        }
    }
}
