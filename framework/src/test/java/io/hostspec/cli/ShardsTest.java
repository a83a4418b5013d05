package io.hostspec.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shards cover every scenario exactly once, evenly, whatever the order the scenarios were discovered in. */
class ShardsTest {

    @Test
    void everyScenarioLandsInExactlyOneShard() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            ids.add("[engine:cucumber]/[feature:f" + (i % 4) + "]/[scenario:" + i + "]");
        }
        for (int n = 1; n <= 5; n++) {
            Set<String> seen = new HashSet<>();
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int k = 1; k <= n; k++) {
                List<String> shard = Shards.pick(ids, new Shards.Shard(k, n));
                for (String id : shard) {
                    assertTrue(seen.add(id), id + " in two shards of " + n);
                }
                min = Math.min(min, shard.size());
                max = Math.max(max, shard.size());
            }
            assertEquals(new HashSet<>(ids), seen);
            assertTrue(max - min <= 1, "uneven shards of " + n);
        }
    }

    @Test
    void theSplitDoesNotDependOnDiscoveryOrder() {
        List<String> ids = List.of("c", "a", "d", "b");
        assertEquals(Shards.pick(ids, new Shards.Shard(1, 2)),
                Shards.pick(List.of("d", "b", "a", "c"), new Shards.Shard(1, 2)));
        assertEquals(List.of("a", "c"), Shards.pick(ids, new Shards.Shard(1, 2)));
    }

    @Test
    void recordedDurationsBalanceTheShardsAndStillCoverEveryScenarioOnce() {
        List<String> ids = new ArrayList<>();
        java.util.Map<String, Long> ms = new java.util.HashMap<>();
        for (int i = 0; i < 17; i++) {
            String id = "[engine:cucumber]/[feature:f]/[scenario:" + i + "]";
            ids.add(id);
            if (i != 5) {
                ms.put(id, i < 3 ? 60_000L : 2_000L + i);   // three slow ones, one unknown
            }
        }
        for (int n = 1; n <= 4; n++) {
            Set<String> seen = new HashSet<>();
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int k = 1; k <= n; k++) {
                List<String> shard = Shards.pick(ids, new Shards.Shard(k, n), ms);
                assertEquals(shard, Shards.pick(List.copyOf(new java.util.TreeSet<>(ids).descendingSet()),
                        new Shards.Shard(k, n), ms), "independent of discovery order");
                long total = 0;
                for (String id : shard) {
                    assertTrue(seen.add(id), id + " in two shards of " + n);
                    total += ms.getOrDefault(id, 0L);
                }
                max = Math.max(max, total);
                min = Math.min(min, total);
            }
            assertEquals(new HashSet<>(ids), seen);
            if (n == 2) {
                // round-robin by id would put scenarios 0 and 2 (both slow) into shard 1: 122 s against 77 s
                assertTrue(max - min <= 60_000 - 2 * 2_016, "unbalanced: " + min + " vs " + max);
            }
        }
        assertEquals(Shards.pick(ids, new Shards.Shard(1, 3)), Shards.pick(ids, new Shards.Shard(1, 3),
                java.util.Map.of()), "without durations the split is round-robin");
    }

    @Test
    void parseRejectsNonsense() {
        assertEquals(new Shards.Shard(2, 3), Shards.parse("2/3"));
        for (String bad : List.of("0/2", "3/2", "1", "a/b", "1/0")) {
            assertThrows(IllegalArgumentException.class, () -> Shards.parse(bad), bad);
        }
    }
}
