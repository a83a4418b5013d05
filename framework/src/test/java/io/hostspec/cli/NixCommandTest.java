package io.hostspec.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./hostspec nix eval} and {@code nix conformance}: output, exit codes, per-case lines and totals. */
class NixCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void evalPrintsValuesAndFailsWithPosition() {
        assertEquals("{ a = [ 1 2 ]; }\n", run("nix", "eval", "--strict", "--expr", "{ a = [ 1 (1 + 1) ]; }").out());
        assertEquals("{\"a\":1}\n", run("nix", "eval", "--json", "--expr", "{ a = 1; }").out());
        Run bad = run("nix", "eval", "--expr", "let x = 1; in\n  y");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("undefined variable 'y'") && bad.err().contains("«string»:2:3"), bad.err());
    }

    @Test
    void conformanceRunsAFolderOfCases(@TempDir Path root) throws IOException {
        Path lang = Files.createDirectories(root.resolve("lang"));
        Files.writeString(lang.resolve("eval-okay-sum.nix"), "1 + 2");
        Files.writeString(lang.resolve("eval-okay-sum.exp"), "3\n");
        Files.writeString(lang.resolve("eval-okay-wrong.nix"), "1 + 1");
        Files.writeString(lang.resolve("eval-okay-wrong.exp"), "3\n");
        Files.writeString(lang.resolve("eval-fail-throw.nix"), "throw \"no\"");
        Files.writeString(lang.resolve("parse-okay-fn.nix"), "{ a ? 1, ... }@args: a");
        Run r = run("nix", "conformance", lang.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("PASS eval-okay-sum\n"), r.out());
        assertTrue(r.out().contains("FAIL eval-okay-wrong printed 2, expected 3"), r.out());
        assertTrue(r.out().contains("PASS eval-fail-throw\n"), r.out());
        assertTrue(r.out().contains("PASS parse-okay-fn\n"), r.out());
        assertTrue(r.out().contains("eval-okay: 1/2 passed (50.0%), 0 skipped"), r.out());
    }
}
