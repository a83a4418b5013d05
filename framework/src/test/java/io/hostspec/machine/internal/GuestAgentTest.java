package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestAgentTest {

    private static final Duration CALL = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    /** Answers like qemu-ga: sync-delimited with a 0xFF marker, no ids on other replies. */
    private static FakeUnixServer.Handler agent(FakeUnixServer.Handler others) {
        return (request, peer) -> {
            if (request.path("execute").asText().equals("guest-sync-delimited")) {
                peer.sendBytes(new byte[] {(byte) 0xFF});
                peer.send("{\"return\": " + request.path("arguments").path("id").asLong() + "}\n");
            } else {
                others.handle(request, peer);
            }
        };
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void syncSkipsGarbageAndStaleRepliesBeforeTheMarker() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> {
            long id = request.path("arguments").path("id").asLong();
            // a late reply of an abandoned call, a stale sync reply with another id, then the real one
            peer.send("{\"return\": {\"pid\": 1}}\n");
            peer.sendBytes(new byte[] {(byte) 0xFF});
            peer.send("{\"return\": 42}\n");
            peer.sendBytes(new byte[] {(byte) 0xFF});
            peer.sendInPieces("{\"return\": " + id + "}\n", 50);
        }); GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            agent.sync(CALL);
            assertEquals(1, server.markersSeen.get(), "the client flushes the agent's parser with 0xFF");
        }
    }

    @Test
    void execPollsUntilExitedAndDecodesOutput() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> {
            switch (request.path("execute").asText()) {
                case "guest-exec" -> {
                    assertEquals("/bin/sh", request.path("arguments").path("path").asText());
                    assertEquals("echo hi", request.path("arguments").path("arg").get(1).asText());
                    assertTrue(request.path("arguments").path("capture-output").asBoolean());
                    peer.send("{\"return\": {\"pid\": 77}}\n");
                }
                case "guest-exec-status" -> {
                    if (polls.incrementAndGet() < 3) {
                        peer.send("{\"return\": {\"exited\": false}}\n");
                    } else {
                        peer.sendInPieces("{\"return\": {\"exitcode\": 3, \"out-data\": \"" + b64("hi\n")
                                + "\", \"err-data\": \"" + b64("oops") + "\", \"exited\": true}}\n", 30);
                    }
                }
                default -> throw new AssertionError(request.toString());
            }
        })); GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            GuestAgent.ExecStatus status = agent.exec("/bin/sh", List.of("-c", "echo hi"), Duration.ofSeconds(5));
            assertEquals(3, status.exitCode());
            assertEquals("hi\n", new String(status.stdout(), StandardCharsets.UTF_8));
            assertEquals("oops", new String(status.stderr(), StandardCharsets.UTF_8));
            assertEquals(3, polls.get());
        }
    }

    @Test
    void execTimesOutWhenTheProgramNeverExits() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> peer.send(
                request.path("execute").asText().equals("guest-exec")
                        ? "{\"return\": {\"pid\": 5}}\n" : "{\"return\": {\"exited\": false}}\n")));
             GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            ChannelTimeoutException e = assertThrows(ChannelTimeoutException.class,
                    () -> agent.exec("/bin/sleep", List.of("100"), Duration.ofMillis(400)));
            assertTrue(e.getMessage().contains("did not exit"), e.getMessage());
        }
    }

    @Test
    void fileRoundTripInChunks() throws Exception {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        byte[] content = "line\n".repeat(30_000).getBytes(StandardCharsets.UTF_8); // 150 KB: several chunks
        AtomicInteger readOffset = new AtomicInteger();
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> {
            JsonNode args = request.path("arguments");
            switch (request.path("execute").asText()) {
                case "guest-file-open" -> peer.send("{\"return\": 1000}\n");
                case "guest-file-write" -> {
                    byte[] chunk = Base64.getDecoder().decode(args.path("buf-b64").asText());
                    written.writeBytes(chunk);
                    peer.send("{\"return\": {\"count\": " + chunk.length + ", \"eof\": false}}\n");
                }
                case "guest-file-read" -> {
                    byte[] all = written.toByteArray();
                    int from = readOffset.get();
                    int n = Math.min(args.path("count").asInt(), all.length - from);
                    readOffset.addAndGet(n);
                    String buf = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(all, from, from + n));
                    peer.send("{\"return\": {\"count\": " + n + ", \"buf-b64\": \"" + buf + "\", \"eof\": "
                            + (from + n == all.length) + "}}\n");
                }
                case "guest-file-close" -> peer.send("{\"return\": {}}\n");
                default -> throw new AssertionError(request.toString());
            }
        })); GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            agent.writeFile("/etc/x", content);
            assertArrayEquals(content, written.toByteArray());
            assertArrayEquals(content, agent.readFile("/etc/x"));
        }
    }

    @Test
    void errorReplyNamesTheCommand() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> peer.send(
                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"failed to open file '/nope': No such file or directory\"}}\n")));
             GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            ProtocolErrorException e = assertThrows(ProtocolErrorException.class, () -> agent.readFile("/nope"));
            assertTrue(e.getMessage().contains("guest-file-open failed") && e.getMessage().contains("/nope"), e.getMessage());
        }
    }

    @Test
    void closedSocketMidCallFailsPromptly() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> {
            peer.send("{\"return\": {\"pi");
            peer.close();
        })); GuestAgent agent = GuestAgent.connect(server.socket, Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            ChannelClosedException e = assertThrows(ChannelClosedException.class,
                    () -> agent.exec("/bin/true", List.of(), Duration.ofSeconds(30)));
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000);
            assertTrue(e.getMessage().contains("guest-exec"), e.getMessage());
        }
    }

    @Test
    void timeoutThenLateReplyIsDiscardedByResync() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        try (FakeUnixServer server = new FakeUnixServer(dir, agent((request, peer) -> {
            if (pings.incrementAndGet() == 1) {
                Thread.sleep(400); // too late for the 200 ms call timeout; arrives before the next call
                peer.send("{\"return\": {\"late\": true}}\n");
            } else {
                peer.send("{\"return\": {\"fresh\": true}}\n");
            }
        })); GuestAgent agent = GuestAgent.connect(server.socket, Duration.ofMillis(200))) {
            assertThrows(ChannelTimeoutException.class, agent::ping);
            Thread.sleep(400);
            JsonNode reply = agent.call("guest-info", null);
            assertTrue(reply.path("fresh").asBoolean(), "got the stale reply: " + reply);
            assertEquals(2, server.markersSeen.get(), "a resync after the timeout");
        }
    }

    @Test
    void silentAgentTimesOutOnSync() throws Exception {
        try (FakeUnixServer server = new FakeUnixServer(dir, (request, peer) -> { });
             GuestAgent agent = GuestAgent.connect(server.socket, CALL)) {
            assertThrows(ChannelTimeoutException.class, () -> agent.sync(Duration.ofMillis(200)));
        }
    }
}
