package org.minima.cli;

import java.io.PrintWriter;
import org.minima.io.InputException;
import org.minima.nn.Memory;
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
            SlurmCommand.class,
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
        Memory.configureLimits(); // before ND4J loads: JavaCPP reads its limits once
        System.exit(run(args));
    }

    /** Runs the tool with {@code args} and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setHelpFactory(HelpLayout.FACTORY); // wrapped at spaces only, in picocli's 80 columns
        cl.setExecutionExceptionHandler(Main::handleException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        // picocli hands only Exceptions to the handler; an Error (out of heap or native memory, a native library
        // that fails to load) would escape as a stack trace, and printing one with memory exhausted can crash the JVM
        CommandLine.IExecutionStrategy strategy = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            try {
                return strategy.execute(parsed);
            } catch (Error e) {
                CommandLine last = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
                return handleError(e, last.getErr(), debug(parsed));
            }
        });
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
        boolean debug = debug(parsed);
        Throwable t = ex;
        if (debug) t.printStackTrace(err);
        if (t instanceof InputException) {
            err.println("minima: error: " + oneLine(t.getMessage()));
            err.flush();
            return EXIT_INPUT;
        }
        String msg = t.getMessage() == null ? describe(t) : t.getMessage();
        err.println("minima: error: " + oneLine(msg) + (debug ? "" : " (run with --debug for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    private static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) if (p.hasMatchedOption("--debug")) return true;
        return false;
    }

    /**
     * An {@link Error} at the top: exit 1 and one line saying what ran out, how much was asked for when known,
     * and how to give more; the trace only with --debug (printing it with memory exhausted can crash the JVM).
     */
    static int handleError(Error e, PrintWriter err, boolean debug) {
        if (debug) e.printStackTrace(err);
        String msg;
        if (e instanceof OutOfMemoryError) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            Throwable cause = e.getCause();
            String detail = cause != null && cause.getMessage() != null ? cause.getMessage() : "";
            if (m.contains("Pointer") || m.contains("physicalBytes") || detail.contains("physicalBytes")) {
                // JavaCPP: "Cannot allocate new LongPointer(N): totalBytes = T, physicalBytes = P" (+ the limit in the cause)
                msg = "out of off-heap memory (where ND4J keeps its arrays): " + asked(m) + "; " + Memory.HOW_TO_GIVE_MORE
                        + ", or use a smaller --chunk";
            } else {
                msg = "out of Java heap memory (" + (m.isEmpty() ? "heap" : m) + ", limit " + Memory.gb(Runtime.getRuntime().maxMemory())
                        + "); give Java more with -Xmx (e.g. java -Xmx16g -jar minima.jar ...), or use a smaller --chunk or --examples";
            }
        } else if (e instanceof StackOverflowError) {
            msg = "out of stack space (a nesting too deep in an input file?); give Java more with -Xss (e.g. java -Xss16m -jar minima.jar ...)";
        } else if (e instanceof LinkageError) {
            msg = "a native library could not be loaded (" + oneLine(e.getMessage()) + "); ND4J needs a 64-bit Linux, macOS or Windows";
        } else {
            msg = "internal error (" + describe(e) + ")";
        }
        err.println("minima: error: " + oneLine(msg) + (debug ? "" : " (run with --debug for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    /** What JavaCPP says was asked for: the bytes in "new XPointer(N)" when present. */
    private static String asked(String m) {
        java.util.regex.Matcher x = java.util.regex.Pattern.compile("\\((\\d+)\\)").matcher(m);
        java.util.regex.Matcher t = java.util.regex.Pattern.compile("totalBytes = (\\d+)").matcher(m);
        String s = x.find() ? "asked for " + x.group(1) + " more elements" : "an allocation failed";
        if (t.find()) s += " with " + Memory.gb(Long.parseLong(t.group(1))) + " already in use";
        return s + " (limit " + Memory.gb(org.bytedeco.javacpp.Pointer.maxBytes()) + ")";
    }

    /** A throwable without a message, in words rather than a class name. */
    private static String describe(Throwable t) {
        String n = t.getClass().getSimpleName().replaceAll("(Exception|Error)$", "");
        return n.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').strip();
    }
}
