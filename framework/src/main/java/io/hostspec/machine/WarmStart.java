package io.hostspec.machine;

import io.hostspec.machine.internal.ChannelException;
import io.hostspec.machine.internal.HostClock;
import io.hostspec.machine.internal.Qmp;
import io.hostspec.machine.internal.QemuCommand;
import io.hostspec.machine.internal.QemuVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm start of a {@link QemuMachine}: restore the warm snapshot of its (image, hardware) from the
 * {@link SnapshotCache}, taking it first with a cold boot when there is none, and set the restored guest's clock. A
 * snapshot that QEMU refuses or whose agent does not answer is deleted and the machine falls back to a cold boot.
 * Runs on the thread that starts the machine, holding its lifecycle lock.
 */
final class WarmStart {

    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);

    private final QemuMachine machine;
    private final QemuProcess qemu;
    private final String name;

    WarmStart(QemuMachine machine, QemuProcess qemu) {
        this.machine = machine;
        this.qemu = qemu;
        this.name = machine.name();
    }

    /** The kernel command line for an accelerator: every snapshot's hardware key includes it. */
    static String kernelCmdline(MachineSpec spec, String accel) {
        // tsc=reliable: under TCG the clocksource watchdog found the TSC "unstable" 2 s into every boot (the
        // emulated reference timers lag behind) and switched its clocksource away from the TSC
        String clock = accel.equals("tcg") ? HostClock.tscKhz().stream()
                .mapToObj(khz -> "tsc_early_khz=" + khz + " tsc=reliable ").findFirst().orElse("") : "";
        // init_on_free zeroes freed pages: after the page cache is dropped before a snapshot, most guest RAM is zero,
        // which migration sends as a flag, so the state file and every restore shrink.
        return ("root=/dev/vda rw console=ttyS0 init_on_free=1 " + QemuCommand.BOOT_OPTIONS + " " + clock
                + spec.kernelCmdlineExtra()).strip();
    }

    /** Restores the machine's snapshot (taking it first if needed), else boots cold. */
    void start(String accel, String cmdline) throws IOException {
        MachineSpec spec = machine.spec();
        SnapshotCache cache = SnapshotCache.beside(spec.image());
        HardwareKey key = HardwareKey.of(spec, accel, cmdline, QemuVersion.get());
        Optional<SnapshotCache.Snapshot> found = cache.find(key);
        if (found.isPresent()) {
            Optional<String> refused = restore(accel, cmdline, found.get());
            if (refused.isEmpty()) {
                return;
            }
            cache.invalidate(found.get(), "restoring it on " + name + " failed: " + refused.get());
        }
        SnapshotCache.Snapshot fresh = cache.getOrCreate(key, tmp -> take(accel, cmdline, tmp));
        Optional<String> refused = restore(accel, cmdline, fresh);
        if (refused.isEmpty()) {
            return;
        }
        cache.invalidate(fresh, "restoring it on " + name + " failed: " + refused.get());
        LOG.warn("[{}] falling back to a cold boot without a warm snapshot", name);
        Overlays.create(name, machine.overlay(), spec.image().disk(), false);
        machine.launchCold(qemu.command(spec, accel, cmdline, machine.overlay()), true);
    }

    // Cold-boots on an overlay inside the snapshot's temporary directory, with guest RAM in a shared file there, waits
    // until the system is up, then writes the device state next to them (x-ignore-shared: the RAM stays in its file,
    // not in the stream) and quits: the overlay becomes the snapshot's frozen disk, the file its RAM.
    private void take(String accel, String cmdline, Path tmp) throws IOException {
        try (LogSection section = LogSection.open(name, "cold boot and take a warm snapshot")) {
            try {
                Path disk = tmp.resolve(SnapshotCache.DISK);
                Overlays.create(name, disk, machine.spec().image().disk(), true);
                machine.launchCold(qemu.command(machine.spec(), accel, cmdline, disk)
                        .withRamFile(new QemuCommand.RamFile(tmp.resolve(SnapshotCache.RAM), true)), false);
                machine.waitUntilReady(Timeouts.boot());
                ExecResult up = machine.execute("systemctl is-system-running --wait", Timeouts.SYSTEM_UP);
                String status = up.stdout().strip();
                if (!status.equals("running") && !status.equals("degraded")) {
                    throw new MachineException(name, "[" + name + "] is not up after boot (systemctl "
                            + "is-system-running says '" + status + "'); no warm snapshot taken"
                            + Evidence.output(machine.execute("systemctl --failed --no-pager 2>&1",
                            Timeouts.PROTOCOL_CALL)) + Evidence.console(machine), up, null);
                }
                // the clock daemon must be waiting on its port in the snapshot, or every restore waits for it in vain
                if (!setClockThroughPort(Timeouts.PROTOCOL_CALL)) {
                    LOG.warn("[{}] restores of this snapshot will set the clock through the agent", name);
                }
                machine.succeed("sync; echo 3 > /proc/sys/vm/drop_caches");
                machine.closeAgent();
                Qmp monitor = qemu.qmp();
                monitor.stop(Timeouts.PROTOCOL_CALL);
                monitor.setMigrationCapability("x-ignore-shared", true, Timeouts.PROTOCOL_CALL);
                Path state = tmp.resolve(SnapshotCache.STATE);
                monitor.migrateToFile(state, Timeouts.PROTOCOL_CALL);
                awaitMigration(monitor, "warm snapshot state of " + name + " written", Timeouts.SNAPSHOT,
                        "writing the warm snapshot to " + state + " failed", Wait.Pace.GUEST);
            } catch (RuntimeException e) {
                throw section.failed(e);
            } finally {
                machine.releaseBootSlot();
                qemu.stop();
            }
            Overlays.digHoles(name, tmp.resolve(SnapshotCache.RAM));
        }
    }

    // Restores a snapshot on a fresh overlay, its RAM file mapped copy-on-write (share=off: restores share the file's
    // pages in the page cache, fault them in lazily, and never write the file). QEMU starts with -incoming defer so
    // x-ignore-shared can be set before the (device-only) state is loaded. Returns why it failed (QEMU refused the
    // state, the agent did not answer in time), leaving no QEMU and no overlay behind; empty on success.
    private Optional<String> restore(String accel, String cmdline, SnapshotCache.Snapshot snapshot) throws IOException {
        Path overlay = machine.overlay();
        try (LogSection section = LogSection.open(name, "restore warm snapshot " + snapshot.key().digest())) {
            Files.deleteIfExists(overlay);
            Overlays.create(name, overlay, snapshot.disk(), false);
            try {
                QemuCommand command = qemu.command(machine.spec(), accel, cmdline, overlay)
                        .withIncoming(snapshot.state()).withRamFile(new QemuCommand.RamFile(snapshot.ram(), false));
                machine.launchRestored(command);
                Qmp monitor = Wait.untilValue(name, "QMP of " + name + " accepts a connection",
                        Timeouts.RESTORE, machine::failIfStopped, () -> {
                            try {
                                return Optional.of(qemu.qmp());
                            } catch (ChannelException e) {
                                return Optional.empty();
                            }
                        }, qemu::outputEvidence);
                monitor.setMigrationCapability("x-ignore-shared", true, Timeouts.PROTOCOL_CALL);
                monitor.migrateIncoming(command.incomingUri().orElseThrow(), Timeouts.PROTOCOL_CALL);
                awaitMigration(monitor, "warm snapshot state loaded into " + name, Timeouts.RESTORE,
                        "QEMU refused the warm snapshot state", Wait.Pace.PROTOCOL);
                monitor.cont(Timeouts.PROTOCOL_CALL);
                boolean clockSet = setClockThroughPort(Timeouts.CLOCK_PORT);
                machine.waitUntilReady(Timeouts.RESTORE);
                if (!clockSet) {
                    setClockThroughAgent();
                }
            } catch (RuntimeException e) {
                machine.stopQemu();
                Files.deleteIfExists(overlay);
                String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                section.failed(e);
                return Optional.of(reason);
            }
        }
        machine.runAfterStart();
        return Optional.empty();
    }

    private void awaitMigration(Qmp monitor, String title, Duration timeout, String failure, Wait.Pace pace) {
        Wait.until(name, title, "query-migrate: completed", timeout, machine::failIfStopped, remaining -> {
            Qmp.MigrationStatus status = monitor.migrationStatus(Timeouts.PROTOCOL_CALL);
            if (status.status().equals("failed") || status.status().equals("cancelled")) {
                throw new MachineException(name, "[" + name + "] " + failure + ": " + status.error()
                        + qemu.outputEvidence(), null, null);
            }
            return status.status().equals("completed") ? Wait.Observation.satisfied("completed")
                    : Wait.Observation.notYet(status.status());
        }, qemu::outputEvidence, pace);
    }

    // The guest's clock stopped at snapshot time. The image's clock daemon sets it from a read and a clock_settime; the
    // fallback, `date -s` through the agent, costs the resumed TCG guest a fork and an exec (~0.3 CPU-s).
    private boolean setClockThroughPort(Duration timeout) {
        try {
            qemu.clock().set(Instant.now(), timeout);
            return true;
        } catch (ChannelException e) {
            LOG.warn("[{}] the guest's clock daemon did not set the clock ({}); setting it through the agent",
                    name, e.getMessage());
            return false;
        }
    }

    // Not QGA guest-set-time: it runs `hwclock -w`, which waits for the next RTC second (0.5 s on average).
    private void setClockThroughAgent() {
        Instant now = Instant.now();
        ExecResult clock = machine.execute(String.format(Locale.ROOT, "date -u -s @%d.%09d >/dev/null",
                now.getEpochSecond(), now.getNano()), Timeouts.PROTOCOL_CALL);
        if (!clock.succeeded()) {
            throw new MachineException(name, "[" + name + "] cannot set the clock after a restore"
                    + Evidence.output(clock), clock, null);
        }
    }
}
