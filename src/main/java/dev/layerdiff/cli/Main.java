package dev.layerdiff.cli;

import dev.layerdiff.Version;
import dev.layerdiff.io.Printable;
import java.io.PrintWriter;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code layerdiff} command line. Exit codes: 0 ok, 1 divergence, 2 bad input or usage. */
@Command(name = "layerdiff", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Find where two runs of a neural network part ways: compare activation and gradient dumps layer by layer.",
        subcommands = {CompareCommand.class, CaptureCommand.class, CompareModelCommand.class, StatsCommand.class, CheckCommand.class, LsCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad input, usage errors and failures (never a stack trace unless --verbose). */
    public static final int EXIT_ERROR = 2;

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
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (compare, capture, compare-model, stats, check, ls, doctor)");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), Terminal.detect()));
    }

    /** Runs the command line with the given streams and returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, Terminal.NONE);
    }

    /** Runs the command line with the given streams, connected as {@code terminal} says. */
    static int execute(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
        configureLogging();
        CommandLine cli = new CommandLine(new Main(terminal));
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
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
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
