package io.hostspec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Merges the Allure results folders of several CI jobs into one folder, the way the Allure report generator reads
 * one folder:
 * <ul>
 * <li>test results ({@code <uuid>-result.json}), containers ({@code <uuid>-container.json}) and attachments keep their
 * names and uuids; one that another job already used for different content gets a fresh uuid, and every reference to
 * it in that job's files (a container's {@code children}, an attachment's {@code source}) is rewritten, so uuids stay
 * unique and nothing dangles. A file identical to one already merged (the same job given twice) is kept once.</li>
 * <li>each job's "hostspec run reports" result ({@link AllureLinks}) is left out with its attachments; the merged
 * report writes its own.</li>
 * <li>{@code categories.json}: the union of the jobs' categories by name, the first definition winning;
 * {@code environment.properties}: every key, the values that differ between jobs listed comma-separated;
 * {@code executor.json}: the first job's.</li>
 * <li>{@code history/}: the jobs' own histories are left out (they describe a job, not the merged report); the
 * history of the previous merged report, when given, is copied in so that Allure continues its trend charts and
 * flaky-test detection (scenarios keep their {@code historyId} from run to run).</li>
 * </ul>
 */
final class AllureMerge {

    static final String CATEGORIES = "categories.json";
    static final String ENVIRONMENT = "environment.properties";
    static final String EXECUTOR = "executor.json";
    static final String HISTORY = "history";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * What a merge did.
     *
     * @param results     test results written
     * @param containers  containers written
     * @param attachments attachments written
     * @param renamed     files that got a fresh uuid because another job used theirs
     * @param notes       what a reader should know (duplicates dropped, conflicts), one line each
     */
    record Outcome(int results, int containers, int attachments, int renamed, List<String> notes) {
    }

    private final Path out;
    private final Map<String, byte[]> written = new HashMap<>();
    private final Map<String, JsonNode> categories = new LinkedHashMap<>();
    private final Map<String, Set<String>> environment = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private JsonNode executor;
    private int results;
    private int containers;
    private int attachments;
    private int renamed;

    private AllureMerge(Path out) {
        this.out = out;
    }

    /**
     * Merges the results folders into {@code out} (created; expected empty).
     *
     * @param inputs  per job name, its {@code allure-results} folder (a missing folder is noted and skipped)
     * @param out     the merged {@code allure-results} folder
     * @param history a previous report's {@code history} folder to continue from, or null
     */
    static Outcome merge(Map<String, Path> inputs, Path out, Path history) {
        AllureMerge merge = new AllureMerge(out);
        try {
            Files.createDirectories(out);
            for (var input : inputs.entrySet()) {
                if (Files.isDirectory(input.getValue())) {
                    merge.add(input.getKey(), input.getValue());
                } else {
                    merge.notes.add(input.getKey() + ": no Allure results (" + input.getValue() + ")");
                }
            }
            merge.finish(history);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot merge Allure results into " + out, e);
        }
        return new Outcome(merge.results, merge.containers, merge.attachments, merge.renamed,
                List.copyOf(merge.notes));
    }

    private void add(String job, Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(folder)) {
            files = list.sorted().toList();
        }
        Map<Path, ObjectNode> results = new LinkedHashMap<>();
        Map<Path, ObjectNode> containers = new LinkedHashMap<>();
        List<Path> others = new ArrayList<>();
        Set<String> skipped = new HashSet<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (Files.isDirectory(f)) {
                if (!name.equals(HISTORY)) {
                    notes.add(job + ": left out the folder " + name + "/");
                }
            } else if (name.endsWith("-result.json") || name.endsWith("-container.json")) {
                ObjectNode node = (ObjectNode) MAPPER.readTree(f.toFile());
                if (AllureLinks.HISTORY_ID.equals(node.path("historyId").asText())) {
                    skipped.add(name);
                    node.findValues("source").forEach(source -> skipped.add(source.asText()));
                } else {
                    (name.endsWith("-result.json") ? results : containers).put(f, node);
                }
            } else if (name.equals(CATEGORIES)) {
                MAPPER.readTree(f.toFile()).forEach(c -> categories.putIfAbsent(c.path("name").asText(), c));
            } else if (name.equals(ENVIRONMENT)) {
                environment(f);
            } else if (name.equals(EXECUTOR)) {
                executor = executor == null ? MAPPER.readTree(f.toFile()) : executor;
            } else {
                others.add(f);
            }
        }
        // attachments first, then the results that point at them, then the containers that point at those: a file
        // whose name another job took for other content is renamed, and what points at it follows
        Map<String, String> renames = new HashMap<>();
        for (Path f : others) {
            String name = f.getFileName().toString();
            if (!skipped.contains(name)) {
                place(job, name, Files.readAllBytes(f), () -> fresh() + "-attachment" + extension(name), renames);
            }
        }
        for (Map<Path, ObjectNode> kind : List.of(results, containers)) {
            for (var e : kind.entrySet()) {
                String name = e.getKey().getFileName().toString();
                ObjectNode node = e.getValue();
                rewrite(node, renames);
                String uuid = node.path("uuid").asText();
                String suffix = name.substring(name.lastIndexOf('-'));
                byte[] bytes = MAPPER.writeValueAsBytes(node);
                String placed = place(job, name, bytes, () -> {
                    String fresh = fresh();
                    renames.put(uuid, fresh);
                    node.put("uuid", fresh);
                    return fresh + suffix;
                }, renames);
                if (!placed.equals(name)) {
                    byte[] renamedBytes = MAPPER.writeValueAsBytes(node);
                    written.put(placed, renamedBytes);
                    Files.write(out.resolve(placed), renamedBytes);
                }
            }
        }
    }

    /**
     * Writes a file under its name, or under a fresh one when another job's different file has that name; keeps an
     * identical file once. Returns the name it has in the merged folder.
     */
    private String place(String job, String name, byte[] bytes, java.util.function.Supplier<String> freshName,
                         Map<String, String> renames) throws IOException {
        byte[] before = written.get(name);
        if (before != null && Arrays.equals(before, bytes)) {
            String note = job + ": files identical to another job's were kept once";
            if (!notes.contains(note)) {
                notes.add(note);
            }
            return name;
        }
        String target = name;
        if (before != null) {
            target = freshName.get();
            renames.put(name, target);
            renamed++;
        }
        written.put(target, bytes);
        Files.write(out.resolve(target), bytes);   // a renamed result or container is rewritten by the caller
        if (target.endsWith("-result.json")) {
            results++;
        } else if (target.endsWith("-container.json")) {
            containers++;
        } else {
            attachments++;
        }
        return target;
    }

    private static String fresh() {
        return UUID.randomUUID().toString();
    }

    /** Points a result's or container's own uuid, children and attachment sources at their new names. */
    private static void rewrite(ObjectNode node, Map<String, String> renames) {
        if (renames.isEmpty()) {
            return;
        }
        String uuid = node.path("uuid").asText();
        if (renames.containsKey(uuid)) {
            node.put("uuid", renames.get(uuid));
        }
        if (node.get("children") instanceof ArrayNode children) {
            for (int i = 0; i < children.size(); i++) {
                String child = children.get(i).asText();
                if (renames.containsKey(child)) {
                    children.set(i, TextNode.valueOf(renames.get(child)));
                }
            }
        }
        sources(node, renames);
    }

    private static void sources(JsonNode node, Map<String, String> renames) {
        if (node instanceof ObjectNode object) {
            JsonNode source = object.get("source");
            if (source != null && source.isTextual() && renames.containsKey(source.asText())) {
                object.put("source", renames.get(source.asText()));
            }
            object.elements().forEachRemaining(child -> sources(child, renames));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> sources(child, renames));
        }
    }

    private void environment(Path f) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(f)));
        p.stringPropertyNames().forEach(k -> environment.computeIfAbsent(k, x -> new LinkedHashSet<>())
                .add(p.getProperty(k)));
    }

    private void finish(Path history) throws IOException {
        if (!categories.isEmpty()) {
            MAPPER.writeValue(out.resolve(CATEGORIES).toFile(), List.copyOf(categories.values()));
        }
        if (!environment.isEmpty()) {
            StringBuilder b = new StringBuilder();
            environment.forEach((k, v) -> b.append(escape(k)).append('=').append(escape(String.join(", ", v)))
                    .append('\n'));
            Files.writeString(out.resolve(ENVIRONMENT), b);
        }
        if (executor != null) {
            MAPPER.writeValue(out.resolve(EXECUTOR).toFile(), executor);
        }
        if (history != null) {
            Path target = Files.createDirectories(out.resolve(HISTORY));
            try (Stream<Path> files = Files.list(history)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
        }
    }

    private static boolean special(String name) {
        return name.equals(CATEGORIES) || name.equals(ENVIRONMENT) || name.equals(EXECUTOR);
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("=", "\\=").replace(":", "\\:");
    }
}
