package io.hostspec.cli;

import io.hostspec.image.HostTools;
import io.hostspec.module.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * The launcher's entry point ({@code ./hostspec}). Usage and configuration errors exit 2 with file:line on stderr;
 * failed scenarios exit 1.
 */
@Command(name = "hostspec", mixinStandardHelpOptions = true, version = "hostspec 0.1.0",
        description = "Tests declarative Linux hosts by booting them.")
public final class Main {

    /** Every command, in the order of the usage help. */
    private static final Map<String, Class<?>> COMMANDS = commands(RunCommand.class, EvalCommand.class,
            BuildCommand.class, OptionsCommand.class, ShellCommand.class, DoctorCommand.class, BenchCommand.class,
            MatrixCommand.class, CoverageCommand.class, ReportCommand.class, NixCommand.class,
            SecretsCommand.class, CacheCommand.class, CommandLine.HelpCommand.class);

    /** Exit code of usage and configuration errors. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line on standard output and error and returns its exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out), new PrintWriter(System.err), args);
    }

    /** The command line with every command, unconfigured: for tools and tests that parse arguments only. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        COMMANDS.values().forEach(cli::addSubcommand);
        return cli;
    }

    /**
     * The command line for these arguments: when they name a command, only that command is built (picocli builds a
     * command's model by reflection, which is most of a short command's start); otherwise every command, for the
     * usage help and the "did you mean" of a mistyped command.
     */
    private static CommandLine commandLine(String... args) {
        Class<?> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (only == null || only == CommandLine.HelpCommand.class) {
            return commandLine();
        }
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand(only);
        return cli;
    }

    private static Map<String, Class<?>> commands(Class<?>... classes) {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            out.put(c.getAnnotation(Command.class).name(), c);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Runs the command line, writing to the given streams, and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(args).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof HostTools.MissingToolsException) {
                cmd.getErr().println("hostspec: " + e.getMessage());
                return USAGE;
            }
            throw e;
        });
        int code = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return code;
    }
}
