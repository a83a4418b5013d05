package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake's own contract: a handler's failure fails the test in the test thread, and the client is not left waiting. */
class FakeUnixServerTest {

    @TempDir
    Path dir;

    @Test
    void aFailingHandlerClosesTheConnectionAndIsRethrownByClose() throws Exception {
        FakeUnixServer server = new FakeUnixServer(dir, (request, peer) ->
                assertEquals("guest-ping", request.path("execute").asText(), "the request the fake expects"));
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(server.socket));
            client.write(ByteBuffer.wrap("{\"execute\": \"guest-info\"}\n".getBytes(StandardCharsets.UTF_8)));
            // the fake closes the connection at once: the read ends instead of waiting for a reply that never comes
            assertEquals(-1, client.read(ByteBuffer.allocate(64)), "the connection is closed by the failing fake");
        }
        AssertionError thrown = assertThrows(AssertionError.class, server::close);
        assertTrue(thrown.getMessage().contains("the request the fake expects"), thrown.getMessage());
    }

    @Test
    void aHandlerThatPassesClosesQuietly() throws Exception {
        FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> peer.send("{\"return\": {}}\n"));
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(server.socket));
            client.write(ByteBuffer.wrap("{\"execute\": \"guest-ping\"}\n".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(64);
            assertTrue(client.read(reply) > 0);
        }
        server.close();
        assertEquals(1, server.requests.get());
    }
}
