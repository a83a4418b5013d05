package io.hostspec.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Configuration coverage of a run: per host and per module, the options some module defined (not only a default),
 * how many of them stand behind an artifact an assertion touched, and which did not. Serialized as
 * {@code coverage.json}; reports of several runs or CI shards {@link #merge merge} into one. Never null inside.
 *
 * @param hosts   per host, by name
 * @param modules per module, by name; an option counts as exercised in a module when it was on any host
 */
public record CoverageReport(List<HostCoverage> hosts, List<ModuleCoverage> modules) {

    /** The file name of the JSON form in a report folder. */
    public static final String JSON_FILE = "coverage.json";
    /** The file name of the HTML page in a report folder. */
    public static final String HTML_FILE = "coverage.html";

    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * A defined option.
     *
     * @param option  the concrete option path, e.g. {@code services.redis.servers.xo.enable}
     * @param where   file:line of its winning definitions, comma-separated
     * @param modules the modules that made those definitions
     */
    public record OptionRef(String option, String where, List<String> modules) {
    }

    /**
     * Coverage of one host.
     *
     * @param host             the host's name in the scenarios
     * @param optionsDefined   options defined for it
     * @param optionsExercised defined options behind a touched artifact
     * @param percent          exercised / defined, in percent with one decimal (100 when nothing is defined)
     * @param unexercised      the defined options no assertion reached, with where they are defined
     * @param exercised        the defined options some assertion reached (kept so that reports merge)
     * @param unrealized       definitions of options NixOS has but hostspec does not realize, accepted by the host
     *                         ({@code hostspec.unrealizedOptions = "warn"}): they had no effect; one entry per
     *                         definition, never counted as defined
     */
    public record HostCoverage(String host, int optionsDefined, int optionsExercised, double percent,
                               List<OptionRef> unexercised, List<OptionRef> exercised, List<OptionRef> unrealized) {

        /** Never null: a report written before unrealized definitions were recorded reads as none. */
        public HostCoverage {
            unrealized = unrealized == null ? List.of() : List.copyOf(unrealized);
        }

        /** Coverage without unrealized definitions. */
        public HostCoverage(String host, int optionsDefined, int optionsExercised, double percent,
                            List<OptionRef> unexercised, List<OptionRef> exercised) {
            this(host, optionsDefined, optionsExercised, percent, unexercised, exercised, List.of());
        }
    }

    /**
     * Coverage of one module, over every host that imports it.
     *
     * @param module           the module's name
     * @param optionsDefined   options it defined
     * @param optionsExercised of those, the ones exercised on some host
     * @param percent          exercised / defined, in percent with one decimal
     * @param unexercised      the options of this module no assertion reached
     */
    public record ModuleCoverage(String module, int optionsDefined, int optionsExercised, double percent,
                                 List<OptionRef> unexercised) {
    }

    /** A report with nothing in it. */
    public static CoverageReport empty() {
        return new CoverageReport(List.of(), List.of());
    }

    /**
     * Builds a report from what was defined and what was exercised.
     *
     * @param defined   per host, the defined options by name
     * @param exercised per host, the exercised option names (names not defined for the host are ignored)
     */
    public static CoverageReport of(Map<String, Map<String, OptionRef>> defined, Map<String, ? extends
            java.util.Collection<String>> exercised) {
        List<HostCoverage> hosts = new ArrayList<>();
        Map<String, Map<String, OptionRef>> moduleDefined = new TreeMap<>();
        Map<String, TreeSet<String>> moduleExercised = new TreeMap<>();
        for (String host : new TreeSet<>(defined.keySet())) {
            List<OptionRef> yes = new ArrayList<>();
            List<OptionRef> no = new ArrayList<>();
            java.util.Collection<String> touched = exercised.containsKey(host) ? exercised.get(host) : List.of();
            for (OptionRef ref : new TreeMap<>(defined.get(host)).values()) {
                boolean hit = touched.contains(ref.option());
                (hit ? yes : no).add(ref);
                for (String module : ref.modules()) {
                    moduleDefined.computeIfAbsent(module, m -> new TreeMap<>()).putIfAbsent(ref.option(), ref);
                    if (hit) {
                        moduleExercised.computeIfAbsent(module, m -> new TreeSet<>()).add(ref.option());
                    }
                }
            }
            hosts.add(new HostCoverage(host, yes.size() + no.size(), yes.size(), percent(yes.size(),
                    yes.size() + no.size()), List.copyOf(no), List.copyOf(yes)));
        }
        List<ModuleCoverage> modules = new ArrayList<>();
        moduleDefined.forEach((module, options) -> {
            TreeSet<String> hit = moduleExercised.getOrDefault(module, new TreeSet<>());
            List<OptionRef> no = options.values().stream().filter(r -> !hit.contains(r.option())).toList();
            modules.add(new ModuleCoverage(module, options.size(), hit.size(), percent(hit.size(), options.size()),
                    no));
        });
        return new CoverageReport(List.copyOf(hosts), List.copyOf(modules));
    }

    /**
     * This report with the unrealized definitions each host accepted (hosts not in the report are ignored).
     *
     * @param unrealized per host, its definitions of options NixOS has but hostspec does not realize
     */
    public CoverageReport withUnrealized(Map<String, List<OptionRef>> unrealized) {
        List<HostCoverage> out = hosts.stream().map(h -> new HostCoverage(h.host(), h.optionsDefined(),
                h.optionsExercised(), h.percent(), h.unexercised(), h.exercised(),
                unrealized.getOrDefault(h.host(), h.unrealized()))).toList();
        return new CoverageReport(out, modules);
    }

    /**
     * Merges reports of several runs or shards: a host's defined options are the union of its definitions, an option
     * is exercised when it was in any report; modules are recomputed from the merged hosts.
     */
    public static CoverageReport merge(List<CoverageReport> reports) {
        Map<String, Map<String, OptionRef>> defined = new TreeMap<>();
        Map<String, TreeSet<String>> exercised = new TreeMap<>();
        Map<String, Map<String, OptionRef>> unrealized = new TreeMap<>();
        for (CoverageReport report : reports) {
            for (HostCoverage h : report.hosts()) {
                h.unrealized().forEach(r -> unrealized.computeIfAbsent(h.host(), k -> new TreeMap<>())
                        .putIfAbsent(r.option() + " " + r.where(), r));
                Map<String, OptionRef> d = defined.computeIfAbsent(h.host(), k -> new TreeMap<>());
                h.unexercised().forEach(r -> d.putIfAbsent(r.option(), r));
                h.exercised().forEach(r -> d.putIfAbsent(r.option(), r));
                h.exercised().forEach(r -> exercised.computeIfAbsent(h.host(), k -> new TreeSet<>()).add(r.option()));
            }
        }
        Map<String, List<OptionRef>> accepted = new TreeMap<>();
        unrealized.forEach((host, refs) -> accepted.put(host, List.copyOf(refs.values())));
        return of(defined, exercised).withUnrealized(accepted);
    }

    /** The coverage of one host, if the report has it. */
    public java.util.Optional<HostCoverage> host(String name) {
        return hosts.stream().filter(h -> h.host().equals(name)).findFirst();
    }

    /** Reads a {@code coverage.json}, or the one inside a report folder. */
    public static CoverageReport read(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(JSON_FILE) : fileOrFolder;
        try {
            return MAPPER.readValue(file.toFile(), CoverageReport.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the coverage report " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@value #JSON_FILE} and {@value #HTML_FILE} into a folder (created if needed); returns the JSON file. */
    public Path writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            MAPPER.writeValue(folder.resolve(JSON_FILE).toFile(), this);
            Files.writeString(folder.resolve(HTML_FILE), html());
            return folder.resolve(JSON_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the coverage report into " + folder, e);
        }
    }

    /** One line per host, e.g. {@code xoa 61/120 options exercised (50.8 %)}. */
    public String oneLiners() {
        StringBuilder b = new StringBuilder();
        for (HostCoverage h : hosts) {
            b.append(String.format(Locale.ROOT, "  %-20s %4d/%-4d options exercised (%.1f %%)%n", h.host(),
                    h.optionsExercised(), h.optionsDefined(), h.percent()));
        }
        return b.toString();
    }

    /** A self-contained HTML page: a bar chart (inline SVG) per host and per module, and the unexercised options. */
    public String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                + "<title>hostspec configuration coverage</title><style>"
                + "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
                + "td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}code{font-size:90%}"
                + "</style></head><body>\n<h1>Configuration coverage</h1>\n"
                + "<p>Options defined by a module (not only defaults) and, of those, the ones behind an artifact "
                + "(unit, file, port rule, user, group, package) that some assertion touched.</p>\n");
        Map<String, double[]> hostBars = new LinkedHashMap<>();
        hosts.forEach(h -> hostBars.put(h.host(), new double[] {h.optionsExercised(), h.optionsDefined()}));
        Map<String, double[]> moduleBars = new LinkedHashMap<>();
        modules.forEach(m -> moduleBars.put(m.module(), new double[] {m.optionsExercised(), m.optionsDefined()}));
        b.append("<h2>Hosts</h2>\n").append(chart(hostBars));
        b.append("<h2>Modules</h2>\n").append(chart(moduleBars));
        for (HostCoverage h : hosts) {
            b.append("<h2>Unexercised options of ").append(escape(h.host())).append(" (")
                    .append(h.unexercised().size()).append(")</h2>\n<table><tr><th>option</th><th>defined at</th>"
                            + "<th>module</th></tr>\n");
            h.unexercised().stream().sorted(Comparator.comparing(OptionRef::option)).forEach(r -> b.append("<tr><td>"
                    + "<code>").append(escape(r.option())).append("</code></td><td>").append(escape(r.where()))
                    .append("</td><td>").append(escape(String.join(", ", r.modules()))).append("</td></tr>\n"));
            b.append("</table>\n");
            if (!h.unrealized().isEmpty()) {
                b.append("<h2>Unrealized definitions of ").append(escape(h.host())).append(" (")
                        .append(h.unrealized().size()).append(")</h2>\n<p>Options NixOS has but hostspec does not "
                                + "realize, accepted with <code>hostspec.unrealizedOptions = \"warn\"</code>: they had "
                                + "no effect on the host.</p>\n<table><tr><th>option</th><th>defined at</th>"
                                + "<th>module</th></tr>\n");
                h.unrealized().forEach(r -> b.append("<tr><td><code>").append(escape(r.option()))
                        .append("</code></td><td>").append(escape(r.where())).append("</td><td>")
                        .append(escape(String.join(", ", r.modules()))).append("</td></tr>\n"));
                b.append("</table>\n");
            }
        }
        return b.append("</body></html>\n").toString();
    }

    /** Horizontal bars: exercised (green) over defined (grey), with the figures. */
    private static String chart(Map<String, double[]> bars) {
        int row = 22;
        int label = 260;
        int width = 420;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">\n",
                label + width + 170, row * bars.size() + 10));
        int y = 5;
        for (var e : bars.entrySet()) {
            double hit = e.getValue()[0];
            double all = e.getValue()[1];
            double pct = percent((int) hit, (int) all);
            s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 14, escape(e.getKey())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#ddd\"/>",
                    label, y, width));
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                    + "fill=\"#4a4\"><title>%s</title></rect>", label, y, width * pct / 100, escape(e.getKey())));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.0f/%.0f (%.1f %%)</text>\n",
                    label + width + 8, y + 14, hit, all, pct));
            y += row;
        }
        return s.append("</svg>\n").toString();
    }

    static double percent(int part, int whole) {
        return whole == 0 ? 100.0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
