package io.hostspec.nix.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** "Did you mean" suggestions by edit distance. */
final class Suggest {

    private Suggest() {
    }

    /** " Did you mean 'a' or 'b'?" or the empty string. */
    static String didYouMean(String name, Collection<String> candidates) {
        List<String> close = candidates.stream()
                .filter(c -> distance(c, name) <= Math.max(1, Math.min(3, name.length() / 3)))
                .sorted(Comparator.comparingInt((String c) -> distance(c, name)).thenComparing(c -> c))
                .limit(3).toList();
        if (close.isEmpty()) {
            return "";
        }
        return "; did you mean " + close.stream().map(c -> "'" + c + "'").collect(Collectors.joining(" or ")) + "?";
    }

    static int distance(String a, String b) {
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
