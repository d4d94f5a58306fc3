package dev.layerdiff.cli;

import dev.layerdiff.Version;
import dev.layerdiff.io.Printable;
import java.io.PrintWriter;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code layerdiff} command line. Exit codes: 0 ok, 1 divergence, 2 bad input or usage. */
@Command(name = "layerdiff", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Find where two runs of a neural network part ways: compare activation and gradient dumps layer by layer.")
public final class Main implements Runnable {

    /** Exit status for bad input, usage errors and failures (never a stack trace unless --verbose). */
    public static final int EXIT_ERROR = 2;

    /**
     * The subcommands, in the order of the usage help. picocli builds a command's whole model by reflection
     * when it is added (a fifth of a compare's start-up for all seven), so a run names its command first
     * and gets only that one; anything else (help, usage errors, completion) gets them all.
     */
    private static final List<String> COMMANDS = List.of("compare", "capture", "compare-model", "stats", "summarize", "check", "ls", "doctor", "help");

    /** A new subcommand (a switch, not method references: linking those would load every command's class). */
    private static Object command(String name) {
        return switch (name) {
            case "compare" -> new CompareCommand();
            case "capture" -> new CaptureCommand();
            case "compare-model" -> new CompareModelCommand();
            case "stats" -> new StatsCommand();
            case "summarize" -> new SummarizeCommand();
            case "check" -> new CheckCommand();
            case "ls" -> new LsCommand();
            case "doctor" -> new DoctorCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Terminal terminal;

    private Main(Terminal terminal) {
        this.terminal = terminal;
    }

    /** What the streams of the command being run are connected to (found from a command's spec). */
    static Terminal terminal(CommandLine.Model.CommandSpec command) {
        return command.root().userObject() instanceof Main m ? m.terminal : Terminal.NONE;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (compare, capture, compare-model, stats, summarize, check, ls, doctor)");
    }

    public static void main(String[] args) {
        // A thread of the process that runs out of memory outside any task (whose future would carry it to
        // the main thread) ends the run as the main thread would: one line, exit 2, no stack trace.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (!(e instanceof OutOfMemoryError oom)) {
                System.err.print("Exception in thread \"" + thread.getName() + "\" "); // as the JVM's own handler prints it
                e.printStackTrace(System.err);
                return;
            }
            System.err.println("layerdiff: " + ErrorHandler.outOfMemory(oom));
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_ERROR);
        });
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), Terminal.detect()));
    }

    /** Runs the command line with the given streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, Terminal.NONE);
    }

    /** Runs the command line with the given streams, connected as {@code terminal} says. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        configureLogging();
        CommandLine cli = commandLine(terminal, args.length > 0 ? args[0] : null);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("layerdiff: " + Printable.of(ex.getMessage()));
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_ERROR;
        });
        // Quiet on success: what the library logs below WARNING (backend and kernel choice) only with --verbose.
        cli.setExecutionStrategy(parsed -> {
            Logger.getLogger("dev.layerdiff").setLevel(Verbosity.requested(parsed) ? Level.FINE : Level.WARNING);
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) {
                // picocli hands only exceptions to the handler; an Error would leave as a stack trace and exit 1.
                err.println("layerdiff: " + ErrorHandler.outOfMemory(e));
                err.flush();
                return EXIT_ERROR;
            }
        });
        return cli.execute(args);
    }

    /** The command line with every subcommand (what completion scripts are generated from). */
    static CommandLine commandLine() {
        return commandLine(Terminal.NONE, null);
    }

    /** The command line with only {@code command} when that names a subcommand, else with every one. */
    private static CommandLine commandLine(Terminal terminal, String command) {
        CommandLine cli = new CommandLine(new Main(terminal));
        boolean one = command != null && !command.equals("help") && COMMANDS.contains(command); // help names another
        for (String name : one ? List.of(command) : COMMANDS) cli.addSubcommand(name, command(name));
        return cli;
    }

    /** One short line per log record on stderr, prefixed like every other message of the tool. */
    private static void configureLogging() {
        Logger root = Logger.getLogger("dev.layerdiff");
        if (root.getUseParentHandlers()) {
            root.setUseParentHandlers(false);
            ConsoleHandler h = new ConsoleHandler();
            h.setFormatter(new Formatter() {
                @Override
                public String format(LogRecord r) { return "layerdiff: " + Printable.of(formatMessage(r)) + System.lineSeparator(); }
            });
            h.setLevel(Level.ALL);
            root.addHandler(h);
        }
    }

    /** Reads the version from the jar manifest. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"layerdiff " + Version.get(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
