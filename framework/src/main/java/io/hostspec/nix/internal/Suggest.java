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

    /** Edit distance where swapping two neighbouring characters counts as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
