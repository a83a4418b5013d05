package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clock port's protocol against a fake daemon on the same FIFOs (QEMU and the guest are not involved). */
class ClockPortTest {

    @TempDir
    Path dir;

    // Plays QEMU and the guest's daemon: reads requests from base.in, answers on base.out.
    private Thread daemon(ClockPort port, List<String> seen, Function<String, String> answer) {
        Thread t = new Thread(() -> {
            try (RandomAccessFile in = new RandomAccessFile(port.in().toFile(), "rw");
                 RandomAccessFile out = new RandomAccessFile(port.out().toFile(), "rw");
                 BufferedReader requests = new BufferedReader(new InputStreamReader(
                         new java.io.FileInputStream(in.getFD()), StandardCharsets.US_ASCII))) {
                OutputStream answers = new java.io.FileOutputStream(out.getFD());
                String line;
                while ((line = requests.readLine()) != null) {
                    seen.add(line);
                    String reply = answer.apply(line);
                    if (reply != null) {
                        answers.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
                        answers.flush();
                    }
                    if (line.startsWith("set 3")) {
                        return;
                    }
                }
            } catch (IOException e) {
                seen.add("daemon failed: " + e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void setsTheClockAndSkipsStaleAnswers() throws Exception {
        ClockPort port = new ClockPort(dir.resolve("clock"));
        port.createFifos();
        assertTrue(Files.exists(port.in()) && Files.exists(port.out()));
        List<String> seen = new CopyOnWriteArrayList<>();
        // a stale answer to an earlier request comes first, then the right one
        daemon(port, seen, line -> "ok 1\nok " + line.split(" ")[1]);
        try (port) {
            port.set(Instant.ofEpochSecond(1_700_000_000L, 42), Duration.ofSeconds(5));
            port.set(Instant.ofEpochSecond(3_000_000_000L, 7), Duration.ofSeconds(5));
        }
        assertEquals(List.of("set 1700000000 42", "set 3000000000 7"), seen);
    }

    @Test
    void aDaemonErrorIsReportedWithItsReason() throws Exception {
        ClockPort port = new ClockPort(dir.resolve("clock"));
        port.createFifos();
        daemon(port, new CopyOnWriteArrayList<>(), line -> "error clock_settime: Operation not permitted");
        try (port) {
            ProtocolErrorException e = assertThrows(ProtocolErrorException.class,
                    () -> port.set(Instant.ofEpochSecond(1), Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        }
    }

    @Test
    void aSilentGuestTimesOutInsteadOfBlocking() throws Exception {
        ClockPort port = new ClockPort(dir.resolve("clock"));
        port.createFifos();
        // opening the FIFOs must not block without a peer, and the wait must end at the bound
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (port) {
                ChannelTimeoutException e = assertThrows(ChannelTimeoutException.class,
                        () -> port.set(Instant.ofEpochSecond(1), Duration.ofMillis(200)));
                assertTrue(e.getMessage().contains("org.hostspec.clock.0"), e.getMessage());
            }
        });
    }

    @Test
    void theQemuArgumentsNameThePortTheDaemonOpens() {
        ClockPort port = new ClockPort(Path.of("/r/a,b/clock"));
        assertEquals(List.of("-chardev", "pipe,id=c,path=/r/a,,b/clock", "-device",
                "virtserialport,chardev=c,name=org.hostspec.clock.0"), port.qemuArgs("c"));
        assertEquals(Path.of("/r/a,b/clock.in"), port.in());
    }
}
