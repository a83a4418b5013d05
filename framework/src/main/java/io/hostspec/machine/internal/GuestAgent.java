package io.hostspec.machine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A minimal client of the QEMU guest agent (QGA) over the host side of its virtio-serial port.
 *
 * <p>QGA replies carry no id, so after anything that may leave a reply in flight (a timeout, a command without a
 * reply, a fresh connection) the client resynchronises with {@code guest-sync-delimited} before the next call:
 * it writes 0xFF (resets the agent's parser), sends a random id, skips input up to the agent's 0xFF marker and
 * accepts only the reply echoing that id. Thread-safe: calls are serialised.
 */
public final class GuestAgent implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FILE_CHUNK = 48 * 1024;

    private final UnixJsonChannel channel;
    private final Duration callTimeout;
    private boolean synced;

    private GuestAgent(UnixJsonChannel channel, Duration callTimeout) {
        this.channel = channel;
        this.callTimeout = callTimeout;
    }

    /**
     * Opens the host side of the agent's port. Nothing is sent: the first call synchronises.
     *
     * @param socket      the chardev unix socket of {@code org.qemu.guest_agent.0}
     * @param callTimeout bound for each single request/reply
     * @return an unsynchronised client
     * @throws ChannelClosedException when the socket cannot be opened (QEMU not up yet, or gone)
     */
    public static GuestAgent connect(Path socket, Duration callTimeout) {
        return new GuestAgent(UnixJsonChannel.connect(socket), callTimeout);
    }

    /**
     * Synchronises with the agent ({@code guest-sync-delimited} with a random id); stale replies are discarded.
     *
     * @param timeout bound for the agent's answer
     * @throws ChannelTimeoutException when the agent does not answer (not started yet, guest busy or hung)
     * @throws ChannelClosedException  when the socket closes
     */
    public synchronized void sync(Duration timeout) {
        long id = RANDOM.nextInt(Integer.MAX_VALUE);
        long deadline = System.nanoTime() + timeout.toNanos();
        synced = false;
        channel.discardBuffered();
        channel.write(new byte[] {UnixJsonChannel.MARKER}, timeout);
        ObjectNode request = Json.object().put("execute", "guest-sync-delimited");
        request.putObject("arguments").put("id", id);
        channel.writeLine(Json.write(request), timeout);
        String awaiting = "waiting " + timeout.toMillis() + " ms for guest-sync-delimited " + id;
        while (true) {
            channel.skipPastMarker(deadline, awaiting);
            JsonNode reply = Json.parse(channel.socket(), channel.readLine(deadline, awaiting));
            if (reply.path("return").isIntegralNumber() && reply.path("return").asLong() == id) {
                synced = true;
                return;
            }
        }
    }

    /**
     * Sends one command and returns its {@code return} value, synchronising first when needed.
     *
     * @param command   the QGA command
     * @param arguments its arguments, or null
     * @return the {@code return} member of the reply
     * @throws ProtocolErrorException  when the agent answers with an error
     * @throws ChannelTimeoutException when no reply arrives within the call timeout
     * @throws ChannelClosedException  when the socket closes (QEMU exited)
     */
    public JsonNode call(String command, ObjectNode arguments) {
        return call(command, arguments, callTimeout);
    }

    /**
     * Like {@link #call(String, ObjectNode)}, bounded by {@code timeout} instead of the call timeout (a command's own,
     * shorter bound must hold even when the agent does not answer at all).
     */
    private synchronized JsonNode call(String command, ObjectNode arguments, Duration timeout) {
        if (!synced) {
            sync(timeout);
        }
        ObjectNode request = Json.object().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synced = false; // until the reply is in, a late answer could confuse the next call
        channel.writeLine(Json.write(request), timeout);
        JsonNode reply = Json.parse(channel.socket(),
                channel.readLine(deadline, "waiting " + timeout.toMillis() + " ms for the reply to " + command));
        synced = true;
        if (reply.has("error")) {
            JsonNode error = reply.get("error");
            throw new ProtocolErrorException(channel.socket(), command,
                    error.path("class").asText("?"), error.path("desc").asText("?"));
        }
        return reply.path("return");
    }

    /** Pings the agent; returns normally when it answered. */
    public void ping() {
        call("guest-ping", null);
    }

    /**
     * Runs a program in the guest, captures its output and waits for it to exit.
     *
     * @param path    absolute path of the program in the guest
     * @param args    its arguments
     * @param timeout bound for the program to exit
     * @return exit status and decoded output
     * @throws ChannelTimeoutException when the program has not exited in time (it keeps running in the guest)
     */
    public ExecStatus exec(String path, List<String> args, Duration timeout) {
        ObjectNode arguments = Json.object().put("path", path).put("capture-output", true);
        ArrayNode arg = arguments.putArray("arg");
        args.forEach(arg::add);
        long deadline = System.nanoTime() + timeout.toNanos();
        long pid = call("guest-exec", arguments, boundedBy(deadline)).path("pid").asLong();
        ObjectNode statusArgs = Json.object().put("pid", pid);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            // Short first intervals keep the command round trip low; the cap keeps long commands cheap.
            Awaitility.await("guest-exec pid " + pid + " exits")
                    .atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval((count, previous) -> count <= 1 ? Duration.ofMillis(2)
                            : previous.multipliedBy(2).compareTo(Duration.ofMillis(50)) > 0
                                    ? Duration.ofMillis(50) : previous.multipliedBy(2))
                    .until(() -> {
                        JsonNode status = call("guest-exec-status", statusArgs, boundedBy(deadline));
                        last.set(status);
                        return status.path("exited").asBoolean(false);
                    });
        } catch (ConditionTimeoutException | ChannelTimeoutException e) {
            if (e instanceof ChannelTimeoutException late && System.nanoTime() < deadline) {
                throw late; // the agent stopped answering before the command's time was up
            }
            throw new ChannelTimeoutException(channel.socket(),
                    path + " " + args + " (guest pid " + pid + ") did not exit within " + timeout);
        }
        JsonNode status = last.get();
        return new ExecStatus(
                status.has("exitcode") ? status.get("exitcode").asInt() : -1,
                status.has("signal") ? status.get("signal").asInt() : 0,
                decode(status.path("out-data")),
                decode(status.path("err-data")),
                status.path("out-truncated").asBoolean(false) || status.path("err-truncated").asBoolean(false));
    }

    /** The call timeout, or what is left until {@code deadline} (System.nanoTime) when that is less; at least 1 ms. */
    private Duration boundedBy(long deadline) {
        Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        return left.compareTo(callTimeout) < 0 ? left : callTimeout;
    }

    /**
     * Reads a whole file from the guest.
     *
     * @param path absolute path in the guest
     * @return the file's bytes
     * @throws ProtocolErrorException when the agent cannot open or read it
     */
    public byte[] readFile(String path) {
        long handle = call("guest-file-open", Json.object().put("path", path).put("mode", "r")).asLong();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                JsonNode chunk = call("guest-file-read", Json.object().put("handle", handle).put("count", FILE_CHUNK));
                out.writeBytes(decode(chunk.path("buf-b64")));
                if (chunk.path("eof").asBoolean(false) || chunk.path("count").asInt(0) == 0) {
                    return out.toByteArray();
                }
            }
        } finally {
            closeQuietly(handle);
        }
    }

    /**
     * Writes (creates or truncates) a file in the guest. The parent directory must exist.
     *
     * @param path    absolute path in the guest
     * @param content the bytes to write
     * @throws ProtocolErrorException when the agent cannot open or write it
     */
    public void writeFile(String path, byte[] content) {
        long handle = call("guest-file-open", Json.object().put("path", path).put("mode", "w")).asLong();
        boolean closed = false;
        try {
            for (int offset = 0; offset < content.length; offset += FILE_CHUNK) {
                int length = Math.min(FILE_CHUNK, content.length - offset);
                String b64 = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(content, offset, offset + length));
                call("guest-file-write", Json.object().put("handle", handle).put("buf-b64", b64));
            }
            call("guest-file-close", Json.object().put("handle", handle));
            closed = true;
        } finally {
            if (!closed) {
                closeQuietly(handle);
            }
        }
    }

    private void closeQuietly(long handle) {
        try {
            call("guest-file-close", Json.object().put("handle", handle));
        } catch (ChannelException ignored) {
            // the original failure is the one worth reporting
        }
    }

    /**
     * Asks the guest to power down, halt or reboot. The agent sends no reply on success, so this returns once the
     * request is written; the channel resynchronises before its next call.
     *
     * @param mode {@code powerdown}, {@code halt} or {@code reboot}
     */
    public synchronized void shutdown(String mode) {
        if (!synced) {
            sync(callTimeout);
        }
        synced = false;
        ObjectNode request = Json.object().put("execute", "guest-shutdown");
        request.putObject("arguments").put("mode", mode);
        channel.writeLine(Json.write(request), callTimeout);
    }

    private static byte[] decode(JsonNode b64) {
        return b64.isTextual() ? Base64.getDecoder().decode(b64.asText()) : new byte[0];
    }

    /** @return whether the socket is still open on our side */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the host side of the port; the agent keeps running. */
    @Override
    public void close() {
        channel.close();
    }

    /**
     * The outcome of a guest-exec.
     *
     * @param exitCode  the exit code, or -1 when the program was killed by a signal
     * @param signal    the terminating signal, 0 if none
     * @param stdout    captured standard output
     * @param stderr    captured standard error
     * @param truncated whether the agent truncated the captured output
     */
    public record ExecStatus(int exitCode, int signal, byte[] stdout, byte[] stderr, boolean truncated) {
    }
}
