package io.hostspec.cli;

import io.hostspec.module.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher's entry point ({@code ./hostspec}). Usage and configuration errors exit 2 with file:line on stderr;
 * failed scenarios exit 1.
 */
@Command(name = "hostspec", mixinStandardHelpOptions = true, version = "hostspec 0.1.0",
        description = "Tests declarative Linux hosts by booting them.",
        subcommands = {RunCommand.class, EvalCommand.class, OptionsCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of usage and configuration errors. */
    public static final int USAGE = 2;

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
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
