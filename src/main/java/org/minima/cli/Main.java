package org.minima.cli;

import java.io.PrintWriter;
import org.minima.io.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The front door: {@code java -jar minima.jar COMMAND [options]}. Exit codes (docs/cli.md):
 * 0 success, 2 bad input or usage, 1 a failure while running. Errors are one line on stderr.
 */
@Command(
        name = "minima",
        resourceBundle = "org.minima.cli.Help",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Sharp versus flat minima: train, measure sharpness and Hessian spectra, draw landscapes.",
        subcommands = {
            TrainCommand.class,
            SharpnessCommand.class,
            HessianCommand.class,
            InterpolateCommand.class,
            LandscapeCommand.class,
            ReproduceCommand.class,
            InfoCommand.class,
            PoliciesCommand.class,
            BenchCommand.class,
            PlotCommand.class,
            InstallCommand.class,
            picocli.AutoComplete.GenerateCompletion.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_INPUT = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the tool with {@code args} and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        for (CommandLine sub : cl.getSubcommands().values()) sub.getCommandSpec().versionProvider(new Version());
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true); // as install: not a research command
        return cl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String msg = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u && cl.getParent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "unknown command '" + u.getUnmatched().get(0) + "', expected one of " + String.join(", ", cl.getSubcommands().keySet());
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            msg += "; did you mean " + String.join(" or ", u.getSuggestions().subList(0, Math.min(2, u.getSuggestions().size()))) + "?";
        }
        err.println("minima: error: " + msg + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return EXIT_INPUT;
    }

    private static int handleException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug"));
        Throwable t = ex;
        if (debug) t.printStackTrace(err);
        if (t instanceof InputException) {
            err.println("minima: error: " + oneLine(t.getMessage()));
            err.flush();
            return EXIT_INPUT;
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        if (t instanceof OutOfMemoryError) msg = "out of memory; give Java more with -Xmx (e.g. java -Xmx16g -jar minima.jar ...)";
        err.println("minima: error: " + oneLine(msg) + (debug ? "" : " (run with --debug for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').strip();
    }
}
