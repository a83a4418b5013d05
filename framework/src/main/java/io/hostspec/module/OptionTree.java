package io.hostspec.module;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The declared options of a host as a tree; a {@code <name>} segment is an "any name" child (submodules). */
final class OptionTree {

    static final String NAME = "<name>";

    /** A node: a namespace, a leaf option, or an attribute set of submodules. */
    static final class Node {
        final List<String> path;
        final Map<String, Node> children = new TreeMap<>();
        Node any;
        OptionDecl decl;

        Node(List<String> path) {
            this.path = path;
        }

        boolean isLeaf() {
            return decl != null;
        }

        boolean isSubmodules() {
            return any != null;
        }
    }

    final Node root = new Node(List.of());
    private final List<OptionDecl> all = new ArrayList<>();

    /** Adds a declaration; returns the problem, or null. */
    ConfigError declare(OptionDecl d) {
        List<String> segs;
        try {
            segs = d.segments();
        } catch (IllegalArgumentException e) {
            return new ConfigError(ConfigError.Kind.SYNTAX, d.declaredAt() + ": " + e.getMessage(),
                    List.of(d.declaredAt()));
        }
        Node n = root;
        List<String> path = new ArrayList<>();
        for (String s : segs) {
            if (n.isLeaf()) {
                return clash(d, n.decl, "`" + OptionPath.format(path) + "' is already an option of type "
                        + n.decl.type().name() + " and cannot contain other options");
            }
            path.add(s);
            List<String> p = List.copyOf(path);
            n = NAME.equals(s) ? (n.any == null ? (n.any = new Node(p)) : n.any)
                    : n.children.computeIfAbsent(s, k -> new Node(p));
        }
        if (n.isLeaf()) {
            return new ConfigError(ConfigError.Kind.DUPLICATE_DECLARATION, "The option `" + d.path()
                    + "' is declared twice:\n- In " + n.decl.declaredAt() + "\n- In " + d.declaredAt()
                    + "\nDeclare it in one module and import that module where it is needed.",
                    List.of(n.decl.declaredAt(), d.declaredAt()));
        }
        if (!n.children.isEmpty() || n.any != null) {
            return clash(d, null, "`" + d.path() + "' already groups other options and cannot be an option itself");
        }
        n.decl = d;
        all.add(d);
        return null;
    }

    /** The node of a concrete path (names filled in), or null. */
    Node find(List<String> path) {
        Node n = root;
        for (String s : path) {
            if (n == null || n.isLeaf()) {
                return null;
            }
            Node child = n.children.get(s);
            n = child != null ? child : n.any;
        }
        return n;
    }

    /** Every declaration, sorted by path. */
    List<OptionDecl> declarations() {
        List<OptionDecl> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(OptionDecl::path));
        return sorted;
    }

    /**
     * The declared paths nearest to an attempted one ("did you mean"): edit distance over every declared option path,
     * with {@code <name>} segments filled in from the attempt, and over the groups of the attempt's length (a
     * misspelled group suggests the group). Only the nearest ones are returned, at most three, best first; none when
     * nothing is near.
     */
    List<String> suggest(List<String> attempted) {
        String wanted = OptionPath.format(attempted).toLowerCase(java.util.Locale.ROOT);
        record Scored(String path, int distance) {
        }
        List<Scored> scored = new ArrayList<>();
        for (OptionDecl d : all) {
            List<String> segs = d.segments();
            List<String> concrete = new ArrayList<>();
            for (int i = 0; i < segs.size(); i++) {
                concrete.add(NAME.equals(segs.get(i)) && i < attempted.size() ? attempted.get(i) : segs.get(i));
            }
            List<String> candidates = new ArrayList<>(List.of(OptionPath.format(concrete)));
            if (concrete.size() > attempted.size() && !attempted.isEmpty()) {
                candidates.add(OptionPath.format(concrete.subList(0, attempted.size())));
            }
            for (String candidate : candidates) {
                if (candidate.equals(OptionPath.format(attempted))) {
                    continue; // a group that exists: the typo is further down
                }
                String lower = candidate.toLowerCase(java.util.Locale.ROOT);
                int dist = levenshtein(wanted, lower);
                // also accept a candidate that extends what was written by one segment (a missing leaf)
                if (lower.startsWith(wanted + ".")) {
                    dist = Math.min(dist, 2);
                }
                scored.add(new Scored(candidate, dist));
            }
        }
        int limit = Math.max(2, wanted.length() / 5);
        int best = scored.stream().mapToInt(Scored::distance).filter(dist -> dist <= limit).min()
                .orElse(-1);
        return scored.stream().filter(sc -> sc.distance == best)
                .map(Scored::path).distinct().sorted().limit(3).toList();
    }

    private static ConfigError clash(OptionDecl d, OptionDecl other, String why) {
        List<Provenance> where = other == null ? List.of(d.declaredAt()) : List.of(other.declaredAt(), d.declaredAt());
        return new ConfigError(ConfigError.Kind.DUPLICATE_DECLARATION, d.declaredAt() + ": cannot declare `"
                + d.path() + "': " + why + (other == null ? "" : " (declared at " + other.declaredAt() + ")"), where);
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
