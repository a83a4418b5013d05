package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": []}}";
    private static final Duration SHORT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private static String reply(JsonNode request, String body) {
        return "{\"return\": " + body + ", \"id\": \"" + request.path("id").asText() + "\"}\r\n";
    }

    @Test
    void handshakeThenCommandSkippingEventsAndStaleReplies() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            String command = request.path("execute").asText();
            if (command.equals("query-status")) {
                peer.send("{\"event\": \"RESUME\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 2}}\r\n");
                peer.send("{\"return\": {\"status\": \"stale\"}, \"id\": \"hs-0\"}\r\n");
                peer.send(reply(request, "{\"status\": \"running\", \"running\": true}"));
            } else {
                peer.send(reply(request, "{}"));
            }
        }).greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            JsonNode status = qmp.execute("query-status", null, SHORT);
            assertEquals("running", status.path("status").asText());
            assertEquals(2, server.requests.get(), "qmp_capabilities, then query-status");
        }
    }

    @Test
    void replyArrivingInPiecesIsReassembled() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) ->
                peer.sendInPieces(reply(request, "\"" + "x".repeat(10_000) + "\""), 100)).greeting(GREETING);
             Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            assertEquals(10_000, qmp.humanMonitorCommand("info status", SHORT).length());
        }
    }

    @Test
    void errorReplyBecomesProtocolError() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            if (request.path("execute").asText().equals("qmp_capabilities")) {
                peer.send(reply(request, "{}"));
            } else {
                peer.send("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has not been found\"}, \"id\": \""
                        + request.path("id").asText() + "\"}\r\n");
            }
        }).greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            ProtocolErrorException e = assertThrows(ProtocolErrorException.class, () -> qmp.execute("nope", null, SHORT));
            assertEquals("CommandNotFound", e.errorClass());
            assertTrue(e.getMessage().contains("nope has not been found"), e.getMessage());
        }
    }

    @Test
    void hmpErrorTextFailsSavevm() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> peer.send(reply(request,
                request.path("execute").asText().equals("human-monitor-command")
                        ? "\"Error: Device 'root' is writable but does not support snapshots\\r\\n\"" : "{}")))
                .greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            ChannelException e = assertThrows(ChannelException.class, () -> qmp.savevm("boot", SHORT));
            assertTrue(e.getMessage().contains("does not support snapshots"), e.getMessage());
        }
    }

    @Test
    void socketClosedMidCallFailsPromptly() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            if (request.path("execute").asText().equals("qmp_capabilities")) {
                peer.send(reply(request, "{}"));
            } else {
                peer.send("{\"return\": {\"sta");
                peer.close();
            }
        }).greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            long start = System.nanoTime();
            assertThrows(ChannelClosedException.class, () -> qmp.execute("query-status", null, Duration.ofSeconds(30)));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(2)) < 0);
        }
    }

    @Test
    void quitToleratesTheSocketClosing() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            if (request.path("execute").asText().equals("quit")) {
                peer.close();
            } else {
                peer.send(reply(request, "{}"));
            }
        }).greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            qmp.quit(SHORT);
        }
    }

    @Test
    void missingReplyTimesOut() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            if (request.path("execute").asText().equals("qmp_capabilities")) {
                peer.send(reply(request, "{}"));
            }
        }).greeting(GREETING); Qmp qmp = Qmp.connect(server.socket, SHORT)) {
            long start = System.nanoTime();
            ChannelTimeoutException e = assertThrows(ChannelTimeoutException.class,
                    () -> qmp.execute("query-status", null, Duration.ofMillis(300)));
            long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(tookMs >= 290 && tookMs < 2000, "took " + tookMs + " ms");
            assertTrue(e.getMessage().contains("query-status"), e.getMessage());
        }
    }

    @Test
    void noGreetingTimesOutAndMissingSocketIsClosed() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> { })) {
            assertThrows(ChannelTimeoutException.class, () -> Qmp.connect(server.socket, Duration.ofMillis(200)));
        }
        assertThrows(ChannelClosedException.class, () -> Qmp.connect(dir.resolve("absent.sock"), SHORT));
    }
}
