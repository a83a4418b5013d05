package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The GitHub Actions workflow against the command line it calls (no CI service is reachable here): every
 * {@code ./hostspec} command in it exists and accepts its arguments (parsed by the real picocli command line, with
 * the matrix values and variables filled in), the matrix comes from {@code ./hostspec matrix} through a job output and
 * {@code fromJSON}, and every {@code matrix.*} field the host job reads is in every entry that command prints.
 */
class WorkflowTest {

    private static final Path WORKFLOW = Path.of("../.github/workflows/nightly.yml");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern MATRIX_FIELD = Pattern.compile("\\bmatrix\\.([A-Za-z_][A-Za-z0-9_-]*)");
    private static final Pattern SHELL_VARIABLE = Pattern.compile("\\$\\{?([A-Z_][A-Z0-9_]*)}?");

    private static JsonNode workflow;

    @BeforeAll
    static void read() throws IOException {
        workflow = new YAMLMapper().readTree(WORKFLOW.toFile());
    }

    /** The host job: the one whose matrix comes from another job's output. */
    private static Map.Entry<String, JsonNode> matrixJob() {
        for (var job : workflow.path("jobs").properties()) {
            if (job.getValue().path("strategy").path("matrix").isTextual()) {
                return job;
            }
        }
        throw new AssertionError("no job with a matrix from an expression in " + WORKFLOW);
    }

    /** Every {@code ./hostspec} command line of every run step, as written. */
    private static List<String> hostspecCommands() {
        List<String> out = new ArrayList<>();
        for (JsonNode run : workflow.findValues("run")) {
            for (String line : run.asText().replace("\\\n", " ").split("\n")) {
                int at = line.indexOf("./hostspec ");
                while (at >= 0) {
                    out.add(line.substring(at + "./hostspec ".length()));
                    at = line.indexOf("./hostspec ", at + 1);
                }
            }
        }
        return out;
    }

    /** Shell words up to the first unquoted operator ({@code | ; & > < )}). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if ("|;&><)".indexOf(c) >= 0) {
                break;
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The matrix command's JSON, run as the workflow runs it. */
    private static JsonNode matrixJson(String command) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                words(command).toArray(String[]::new));
        assertEquals(0, code, command + ": " + err);
        return new ObjectMapper().readTree(out.toString());
    }

    private static String fill(String text, JsonNode entry) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Matcher field = MATRIX_FIELD.matcher(m.group(1));
            String value = field.matches() ? entry.path(field.group(1)).asText() : "expr";
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return SHELL_VARIABLE.matcher(b.toString()).replaceAll("reports/x");
    }

    @Test
    void theMatrixComesFromHostspecMatrixAndHasEveryFieldTheJobReads() throws IOException {
        var job = matrixJob();
        Matcher from = Pattern.compile("fromJSON\\(needs\\.([\\w-]+)\\.outputs\\.([\\w-]+)\\)")
                .matcher(job.getValue().path("strategy").path("matrix").asText());
        assertTrue(from.find(), "the matrix is fromJSON of a job output: " + job.getValue().path("strategy"));
        assertTrue(job.getValue().path("needs").toString().contains("\"" + from.group(1) + "\""),
                job.getKey() + " needs " + from.group(1));
        JsonNode plan = workflow.path("jobs").path(from.group(1));
        Matcher output = Pattern.compile("steps\\.([\\w-]+)\\.outputs\\.([\\w-]+)")
                .matcher(plan.path("outputs").path(from.group(2)).asText());
        assertTrue(output.find(), "the output comes from a step: " + plan.path("outputs"));
        JsonNode step = null;
        for (JsonNode s : plan.path("steps")) {
            if (s.path("id").asText().equals(output.group(1))) {
                step = s;
            }
        }
        assertNotNull(step, "no step " + output.group(1) + " in " + from.group(1));
        String run = step.path("run").asText();
        assertTrue(run.contains("echo \"" + output.group(2) + "=") && run.contains("$GITHUB_OUTPUT"),
                "the step writes " + output.group(2) + " to $GITHUB_OUTPUT: " + run);
        String command = run.substring(run.indexOf("./hostspec ") + "./hostspec ".length());
        assertTrue(command.startsWith("matrix --by host"), command);

        JsonNode include = matrixJson(command).path("include");
        assertTrue(include.isArray() && include.size() > 1, "a matrix of several jobs: " + include);
        List<String> fields = new ArrayList<>();
        Matcher m = MATRIX_FIELD.matcher(job.getValue().toString());
        while (m.find()) {
            fields.add(m.group(1));
        }
        assertTrue(fields.contains("host"), "the job reads matrix.host: " + fields);
        for (JsonNode entry : include) {
            for (String field : fields) {
                assertFalse(entry.path(field).isMissingNode(), "matrix." + field + " is not in " + entry);
            }
        }
    }

    @Test
    void everyHostspecCommandExistsAndAcceptsItsArguments() throws IOException {
        JsonNode include = matrixJson("matrix --by host --backends vm,container").path("include");
        JsonNode entry = include.get(include.size() - 1); // a container entry: backend and tags filled in
        List<String> commands = hostspecCommands();
        List<String> names = new ArrayList<>();
        for (String command : commands) {
            List<String> args = words(fill(command, entry));
            CommandLine.ParseResult parsed;
            try {
                parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                fail("./hostspec " + command + " does not parse: " + e.getMessage());
                return;
            }
            List<CommandLine> path = parsed.asCommandLineList();
            Object leaf = path.get(path.size() - 1).getCommand();
            assertTrue(path.size() > 1 && (leaf instanceof Callable || leaf instanceof Runnable),
                    "./hostspec " + command + " names no runnable command");
            names.add(String.join(" ", path.stream().skip(1).map(CommandLine::getCommandName).toList()));
        }
        assertEquals("container", entry.path("backend").asText(), entry.toString());
        assertEquals(List.of("matrix", "run", "report merge", "report merge"), names,
                "the commands the workflow calls (one merge per backend): " + commands);
    }

    @Test
    void theImageCacheIsKeyedByWhatImagesAreBuiltFromAndTheReportsMeetAgain() {
        String host = matrixJob().getValue().toString();
        assertTrue(host.contains("hashFiles('vm-images/**'") && host.contains("io/hostspec/image/**"), host);
        assertTrue(host.contains("~/.cache/hostspec"), "the image cache is restored and saved: " + host);
        String uploaded = null;
        for (JsonNode with : workflow.path("jobs").path(matrixJob().getKey()).findValues("with")) {
            if (with.has("name") && with.has("path")) {
                uploaded = with.path("name").asText();
            }
        }
        assertNotNull(uploaded, "the host job uploads its reports");
        String pattern = workflow.findValue("pattern").asText();
        assertTrue(uploaded.startsWith(pattern.replace("*", "")), uploaded + " is downloaded by " + pattern);
    }
}
