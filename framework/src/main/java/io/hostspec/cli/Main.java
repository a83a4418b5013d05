package io.hostspec.cli;

import io.hostspec.image.HostTools;
import io.hostspec.module.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;
import picocli.CommandLine.Command;

/**
 * The launcher's entry point ({@code ./hostspec}). Usage and configuration errors exit 2 with file:line on stderr;
 * failed scenarios exit 1.
 */
@Command(name = "hostspec", mixinStandardHelpOptions = true, version = "hostspec 0.1.0",
        description = "Tests declarative Linux hosts by booting them.",
        subcommands = {RunCommand.class, EvalCommand.class, BuildCommand.class, OptionsCommand.class, ShellCommand.class,
                DoctorCommand.class, BenchCommand.class, MatrixCommand.class, CoverageCommand.class,
                ReportCommand.class, NixCommand.class, SecretsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

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
        return new CommandLine(new Main());
    }

    /** Runs the command line, writing to the given streams, and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine().setOut(out).setErr(err);
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
