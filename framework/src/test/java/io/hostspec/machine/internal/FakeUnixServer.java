package io.hostspec.machine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake QEMU endpoint for protocol tests: serves one unix socket on a thread, splits requests at newlines (counting
 * and dropping 0xFF bytes, as the agent's parser does) and hands each request to a {@link Handler}.
 *
 * <p>A handler that throws (an assertion about the request, a bug in the fake) fails the test, not the fake's thread:
 * the connection is closed at once, so the client stops waiting, and {@link #close()} rethrows the first failure in
 * the test thread (as the test's failure, or suppressed by the client's own error when the body failed first).
 */
final class FakeUnixServer implements AutoCloseable {

    /** Answers one request. */
    interface Handler {
        void handle(JsonNode request, Peer peer) throws Exception;
    }

    /** The server's side of one connection. */
    static final class Peer {
        private final SocketChannel channel;

        Peer(SocketChannel channel) {
            this.channel = channel;
        }

        void send(String text) throws IOException {
            sendBytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void sendBytes(byte[] bytes) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        /** Sends the text in two halves with a pause between, so the client sees a partial reply. */
        void sendInPieces(String text, long pauseMillis) throws Exception {
            int half = text.length() / 2;
            send(text.substring(0, half));
            Thread.sleep(pauseMillis);
            send(text.substring(half));
        }

        void close() throws IOException {
            channel.close();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final Path socket;
    final AtomicInteger markersSeen = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile String greeting;
    private final java.util.concurrent.atomic.AtomicReference<Throwable> handlerFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    FakeUnixServer(Path dir, Handler handler) throws IOException {
        this.socket = dir.resolve("fake-" + System.nanoTime() + ".sock");
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = new Thread(() -> serve(handler), "fake-qemu " + socket.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends this line to every new connection first (QMP's greeting). */
    FakeUnixServer greeting(String line) {
        this.greeting = line;
        return this;
    }

    private void serve(Handler handler) {
        try {
            while (server.isOpen()) {
                SocketChannel client = server.accept();
                Peer peer = new Peer(client);
                try (client) {
                    Thread.sleep(20); // let the test set the greeting before the first connection
                    if (greeting != null) {
                        peer.send(greeting + "\r\n");
                    }
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    while (client.isOpen() && client.read(buffer) >= 0) {
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            byte b = buffer.get();
                            if (b == (byte) 0xFF) {
                                markersSeen.incrementAndGet();
                            } else if (b == '\n') {
                                requests.incrementAndGet();
                                try {
                                    handler.handle(MAPPER.readTree(line.toByteArray()), peer);
                                } catch (IOException e) {
                                    throw e; // the handler closed the connection, or the client went away
                                } catch (Exception | AssertionError e) {
                                    handlerFailure.compareAndSet(null, e);
                                    client.close();
                                    break;
                                }
                                line.reset();
                            } else {
                                line.write(b);
                            }
                        }
                        buffer.clear();
                    }
                } catch (IOException closed) {
                    // the client or the handler closed the connection; accept the next one
                }
            }
        } catch (Exception ignored) {
            // server closed
        }
    }

    /**
     * Stops serving and rethrows the first failure of the handler, if any.
     *
     * @throws AssertionError when the handler threw; its failure is the cause
     */
    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        Throwable failure = handlerFailure.get();
        if (failure instanceof AssertionError assertion) {
            throw assertion;
        }
        if (failure != null) {
            throw new AssertionError("the fake server's handler failed: " + failure, failure);
        }
    }
}
