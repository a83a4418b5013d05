package io.hostspec.machine.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Line-framed JSON over a unix socket with deadlines on every read and write. QEMU writes one JSON object per line
 * (QMP ends lines with CRLF); the guest agent may additionally send a 0xFF marker byte before a sync reply.
 * Not thread-safe: callers serialise access.
 */
final class UnixJsonChannel implements Closeable {

    static final byte MARKER = (byte) 0xFF;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private byte[] pending = new byte[8192];
    private int pendingStart;
    private int pendingEnd;

    private UnixJsonChannel(Path socket, SocketChannel channel, Selector selector) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
    }

    static UnixJsonChannel connect(Path socket) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new UnixJsonChannel(socket, channel, selector);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new ChannelClosedException(socket, "cannot connect: " + e.getMessage(), e);
        }
    }

    Path socket() {
        return socket;
    }

    void writeLine(String json, Duration timeout) {
        write((json + "\n").getBytes(StandardCharsets.UTF_8), timeout);
    }

    void write(byte[] bytes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    // Socket buffer full: wait until writable, bounded by the deadline.
                    SelectionKey key = channel.keyFor(selector);
                    key.interestOps(SelectionKey.OP_WRITE);
                    try {
                        selectUntil(deadline, "writing " + bytes.length + " bytes");
                    } finally {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
            }
        } catch (IOException e) {
            throw new ChannelClosedException(socket, "write failed: " + e.getMessage(), e);
        }
    }

    /** Reads the next non-empty line (without CR/LF, 0xFF bytes dropped), waiting at most until the deadline. */
    String readLine(long deadlineNanos, String awaiting) {
        while (true) {
            for (int i = pendingStart; i < pendingEnd; i++) {
                if (pending[i] == '\n') {
                    String line = decodeLine(pendingStart, i);
                    pendingStart = i + 1;
                    if (!line.isBlank()) {
                        return line;
                    }
                    i = pendingStart - 1;
                }
            }
            fill(deadlineNanos, awaiting);
        }
    }

    /** Discards input up to and including the next 0xFF marker byte. */
    void skipPastMarker(long deadlineNanos, String awaiting) {
        while (true) {
            for (int i = pendingStart; i < pendingEnd; i++) {
                if (pending[i] == MARKER) {
                    pendingStart = i + 1;
                    return;
                }
            }
            pendingStart = pendingEnd;
            fill(deadlineNanos, awaiting);
        }
    }

    private String decodeLine(int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = pending[i];
            if (b != MARKER && b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void fill(long deadlineNanos, String awaiting) {
        try {
            while (true) {
                readBuffer.clear();
                int n = channel.read(readBuffer);
                if (n < 0) {
                    throw new ChannelClosedException(socket, "peer closed the socket while " + awaiting, null);
                }
                if (n > 0) {
                    append(readBuffer.array(), n);
                    return;
                }
                selectUntil(deadlineNanos, awaiting);
            }
        } catch (IOException e) {
            throw new ChannelClosedException(socket, "read failed while " + awaiting + ": " + e.getMessage(), e);
        }
    }

    private void selectUntil(long deadlineNanos, String awaiting) throws IOException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new ChannelTimeoutException(socket, "timed out " + awaiting);
        }
        long millis = Math.max(1, Duration.ofNanos(remaining).toMillis());
        try {
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new ChannelClosedException(socket, "socket closed locally while " + awaiting, e);
        }
        if (!channel.isOpen()) {
            throw new ChannelClosedException(socket, "socket closed locally while " + awaiting, null);
        }
    }

    private void append(byte[] bytes, int n) {
        if (pendingStart > 0 && pendingStart == pendingEnd) {
            pendingStart = 0;
            pendingEnd = 0;
        }
        if (pendingEnd + n > pending.length) {
            int live = pendingEnd - pendingStart;
            byte[] grown = new byte[Math.max(pending.length, (live + n) * 2)];
            System.arraycopy(pending, pendingStart, grown, 0, live);
            pending = grown;
            pendingStart = 0;
            pendingEnd = live;
        }
        System.arraycopy(bytes, 0, pending, pendingEnd, n);
        pendingEnd += n;
    }

    /** Drops everything already buffered (stale replies after a timeout). */
    void discardBuffered() {
        pendingStart = 0;
        pendingEnd = 0;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
