package io.hostspec.machine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal QMP client (the QEMU Machine Protocol) over a unix socket. {@link #connect} performs the greeting and
 * {@code qmp_capabilities} handshake. Each command carries an id; asynchronous events and stale replies of earlier,
 * timed-out commands are skipped. Thread-safe: calls are serialised.
 */
public final class Qmp implements AutoCloseable {

    private final UnixJsonChannel channel;
    private final AtomicLong ids = new AtomicLong();

    private Qmp(UnixJsonChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects and negotiates capabilities.
     *
     * @param socket  QEMU's QMP unix socket
     * @param timeout bound for the greeting and the handshake
     * @return a ready client
     * @throws ChannelClosedException  when the socket cannot be opened or closes during the handshake
     * @throws ChannelTimeoutException when QEMU does not greet in time
     */
    public static Qmp connect(Path socket, Duration timeout) {
        UnixJsonChannel channel = UnixJsonChannel.connect(socket);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonNode greeting = Json.parse(socket, channel.readLine(deadline, "waiting for the QMP greeting"));
            if (!greeting.has("QMP")) {
                throw new ChannelException(socket, "not a QMP greeting: " + Json.abbreviate(greeting.toString()), null);
            }
            Qmp qmp = new Qmp(channel);
            qmp.execute("qmp_capabilities", null, timeout);
            return qmp;
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Executes a command and returns its {@code return} value.
     *
     * @param command   the QMP command, e.g. {@code query-status}
     * @param arguments its arguments, or null for none
     * @param timeout   bound for the reply
     * @return the {@code return} member of the reply (an empty object for commands without a result)
     * @throws ProtocolErrorException  when QEMU answers with an error
     * @throws ChannelClosedException  when the socket closes before the reply
     * @throws ChannelTimeoutException when no reply arrives in time
     */
    public synchronized JsonNode execute(String command, ObjectNode arguments, Duration timeout) {
        String id = "hs-" + ids.incrementAndGet();
        ObjectNode request = Json.object().put("execute", command).put("id", id);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        channel.writeLine(Json.write(request), timeout);
        while (true) {
            JsonNode reply = Json.parse(channel.socket(),
                    channel.readLine(deadline, "waiting " + timeout.toMillis() + " ms for the reply to " + command));
            if (reply.has("event") || !id.equals(reply.path("id").asText(null))) {
                continue; // events and replies to earlier, abandoned commands
            }
            if (reply.has("error")) {
                JsonNode error = reply.get("error");
                throw new ProtocolErrorException(channel.socket(), command,
                        error.path("class").asText("?"), error.path("desc").asText("?"));
            }
            return reply.path("return");
        }
    }

    /**
     * Runs a human monitor (HMP) command, e.g. {@code savevm boot}.
     *
     * @param commandLine the HMP command line
     * @param timeout     bound for the reply
     * @return the monitor's textual output (empty when the command printed nothing)
     */
    public String humanMonitorCommand(String commandLine, Duration timeout) {
        ObjectNode args = Json.object().put("command-line", commandLine);
        return execute("human-monitor-command", args, timeout).asText("");
    }

    /**
     * Saves an internal snapshot of the whole VM (disk, RAM, devices) into the qcow2 disk.
     *
     * @param name    the snapshot tag
     * @param timeout bound for the save
     * @throws ChannelException when the monitor reports an error
     */
    public void savevm(String name, Duration timeout) {
        checkHmpOutput("savevm " + name, humanMonitorCommand("savevm " + name, timeout));
    }

    /**
     * Restores an internal snapshot into the running VM.
     *
     * @param name    the snapshot tag
     * @param timeout bound for the restore
     * @throws ChannelException when the monitor reports an error
     */
    public void loadvm(String name, Duration timeout) {
        checkHmpOutput("loadvm " + name, humanMonitorCommand("loadvm " + name, timeout));
    }

    private void checkHmpOutput(String commandLine, String output) {
        // HMP reports failures as text, not as a QMP error.
        if (!output.isBlank()) {
            throw new ChannelException(channel.socket(), commandLine + " failed: " + output.strip(), null);
        }
    }

    /**
     * Pauses the guest's vCPUs (QMP {@code stop}); block devices are drained and flushed.
     *
     * @param timeout bound for the reply
     */
    public void stop(Duration timeout) {
        execute("stop", null, timeout);
    }

    /**
     * Resumes the guest's vCPUs (QMP {@code cont}), e.g. after an incoming migration completed.
     *
     * @param timeout bound for the reply
     */
    public void cont(Duration timeout) {
        execute("cont", null, timeout);
    }

    /**
     * Starts writing the device and RAM state into a file ({@code migrate} to {@code exec:cat > FILE}; QEMU 7.2 has
     * no {@code file:} URI). Returns at once; poll {@link #migrationStatus(Duration)} until {@code completed}.
     *
     * @param state   the file to write (its path must not contain a single quote)
     * @param timeout bound for the reply
     */
    public void migrateToFile(Path state, Duration timeout) {
        if (state.toString().contains("'")) {
            throw new IllegalArgumentException("state file path must not contain a single quote: " + state);
        }
        execute("migrate", Json.object().put("uri", "exec:cat > '" + state + "'"), timeout);
    }

    /**
     * Sets one migration capability (QMP {@code migrate-set-capabilities}), e.g. {@code x-ignore-shared}: on both
     * ends before the migration starts.
     *
     * @param capability the capability name
     * @param state      on or off
     * @param timeout    bound for the reply
     */
    public void setMigrationCapability(String capability, boolean state, Duration timeout) {
        ObjectNode arguments = Json.object();
        arguments.putArray("capabilities").addObject().put("capability", capability).put("state", state);
        execute("migrate-set-capabilities", arguments, timeout);
    }

    /**
     * Starts loading an incoming migration into a QEMU launched with {@code -incoming defer} (QMP
     * {@code migrate-incoming}). Returns at once; poll {@link #migrationStatus(Duration)} until {@code completed}.
     *
     * @param uri     where to read the stream from, e.g. {@code exec:cat 'FILE'}
     * @param timeout bound for the reply
     */
    public void migrateIncoming(String uri, Duration timeout) {
        execute("migrate-incoming", Json.object().put("uri", uri), timeout);
    }

    /**
     * The status of the current (outgoing or incoming) migration: {@code none}, {@code setup}, {@code active},
     * {@code completed}, {@code failed}, ... plus QEMU's error description when it failed.
     *
     * @param timeout bound for the reply
     * @return status and, if any, the error description
     */
    public MigrationStatus migrationStatus(Duration timeout) {
        JsonNode reply = execute("query-migrate", null, timeout);
        return new MigrationStatus(reply.path("status").asText("none"), reply.path("error-desc").asText(""));
    }

    /**
     * What {@code query-migrate} said.
     *
     * @param status the migration status ({@code none} when no migration ran)
     * @param error  QEMU's error description, empty unless failed
     */
    public record MigrationStatus(String status, String error) {
    }

    /**
     * Asks QEMU to exit at once (no guest shutdown). A socket closing before the reply counts as success.
     *
     * @param timeout bound for the reply
     */
    public void quit(Duration timeout) {
        try {
            execute("quit", null, timeout);
        } catch (ChannelClosedException alreadyGone) {
            // QEMU may close the socket before its reply reaches us: that is what quit means.
        }
    }

    /** @return whether the socket is still open on our side */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the socket; QEMU keeps running. */
    @Override
    public void close() {
        channel.close();
    }
}
