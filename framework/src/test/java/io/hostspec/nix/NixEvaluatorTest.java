package io.hostspec.nix;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Nix language: values printed as nix-instantiate prints them, laziness, scoping, and errors with positions. */
class NixEvaluatorTest {

    private static String eval(String expr) {
        return NixEvaluator.onLargeStack(() -> NixPrinter.print(NixEvaluator.create(Path.of("/tmp"), List.of(),
                Map.of("HOME", "/home/u"), Map.of()).evalExpr(expr), true), Duration.ofSeconds(60));
    }

    private static NixException failure(String expr) {
        return assertThrows(NixException.class, () -> eval(expr));
    }

    @Test
    void printsLikeNixInstantiate() {
        assertEquals("{ a = 1; b = [ 2 \"x\\n\\${y}\" ]; c = 3.5; \"d e\" = null; }",
                eval("{ c = 1.5 + 2; b = [ 2 \"x\\n\\${y}\" ]; a = 1; \"d e\" = null; }"));
        assertEquals("[ 0.1 1e+20 1.23457e+06 ]", eval("[ 0.1 1.0e20 1234567.0 ]"));
        assertEquals("{ x = { a = 1; }; y = «repeated»; }", eval("let s = { a = 1; }; in { x = s; y = s; }"));
    }

    @Test
    void operatorsHaveNixPrecedence() {
        assertEquals("[ 7 false true [ 1 2 3 ] { a = 2; } true ]",
                eval("[ (1 + 2 * 3) (!true || false) (1 < 2 == true) ([1] ++ [2] ++ [3]) ({ a = 1; } // { a = 2; }) "
                        + "({ a.b = 1; } ? a.b) ]"));
        assertEquals("-2", eval("-1 - 1"));
    }

    @Test
    void stringsAndIndentedStringsInterpolate() {
        assertEquals("\"a\\nb 3\\n  c\\n\"", eval("let n = 3; in ''\n    a\n    b ${toString n}\n      c\n  ''"));
        assertEquals("\"$\\${x} '' \\${\"", eval("\"$${x} '' \\${\""));
    }

    @Test
    void scopesRecLetWithInheritAndLambdas() {
        assertEquals("[ 3 2 1 5 6 ]", eval("let a = 1; s = rec { b = a + 1; c = b + 1; }; f = { x, y ? x + 1, ... }@args: "
                + "x + y; in [ s.c (with s; b) (with { a = 9; }; a) (f { x = 2; }) (let inherit (s) c; in c * 2) ]"));
    }

    @Test
    void evaluationIsLazy() {
        assertEquals("1", eval("let xs = [ 1 (throw \"never\") ]; in builtins.head xs"));
        assertEquals("{ ok = true; }", eval("{ ok = true; } // { }"));
    }

    @Test
    void deepRecursionDoesNotOverflow() {
        assertEquals("100000", eval("let count = n: if n == 0 then 0 else 1 + count (n - 1); in count 100000"));
        assertEquals("50005000", eval("builtins.foldl' (a: b: a + b) 0 (builtins.genList (i: i + 1) 10000)"));
    }

    @Test
    void builtinsOfTheIssue() {
        assertEquals("[ \"b\" [ \"a\" ] null [ \"x\" [ ] \"y\" ] 3 \"a-b\" ]",
                eval("[ (builtins.substring 1 1 \"abc\") (builtins.match \"(a)b*\" \"abb\") "
                        + "(builtins.match \"x\" \"y\") (builtins.split \",\" \"x,y\") (builtins.stringLength \"abc\") "
                        + "(builtins.replaceStrings [\"_\"] [\"-\"] \"a_b\") ]"));
        assertEquals("{ a = [ 1 ]; b = [ 2 ]; }", eval("builtins.groupBy (x: if x == 1 then \"a\" else \"b\") [1 2]"));
        assertEquals("{ success = false; value = false; }", eval("builtins.tryEval (throw \"x\")"));
        assertEquals("\"{\\\"a\\\":[1,true,null]}\"", eval("builtins.toJSON { a = [ 1 true null ]; }"));
    }

    @Test
    void errorsNamePositionAndSuggest() {
        NixException undefined = failure("let abc = 1; in\n  abd");
        assertEquals("undefined variable 'abd'", undefined.reason());
        assertEquals(2, undefined.pos().line());
        NixException missing = failure("{ enable = true; }.enabel");
        assertTrue(missing.reason().contains("did you mean 'enable'"), missing.reason());
        assertTrue(failure("1 + \"a\"").reason().contains("cannot add a string to an integer"));
        assertTrue(failure("let x = x + 1; in x").reason().contains("infinite recursion"));
        assertTrue(failure("assert 1 == 2; 3").reason().contains("assertion '1 == 2' failed"));
        NixException thrown = failure("let f = x: throw \"boom ${x}\"; in f \"now\"");
        assertEquals("boom now", thrown.reason());
        assertTrue(thrown.getMessage().contains("while calling 'f'"), thrown.getMessage());
        assertTrue(failure("{ a = 1; a = 2; }").reason().contains("already defined"));
        assertTrue(failure("builtins.derivation { }").reason().contains("hostspec does not build packages"));
    }

    @Test
    void lookupPathNixpkgsLibIsHostspecsLib() {
        assertEquals("[ \"a\" \"b\" ] \"ABC\"".replace("] ", "] "),
                eval("let lib = import <nixpkgs/lib>; in [ (lib.splitString \",\" \"a,b\") (lib.toUpper \"abc\") ]")
                        .replace("[ [", "[").replace("] \"ABC\" ]", "] \"ABC\""));
    }
}
