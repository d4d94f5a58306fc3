package dev.layerdiff.spark;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code layerdiff compare} over many archive pairs, as a Spark job: one report per pair in the JSON of
 * {@code compare --json}, a summary, and every layer of every pair in {@code layers.parquet}. Exit code 0
 * when every pair is within tolerance, 1 when any diverged, 2 for bad usage or when any pair could not be
 * compared (its {@code error} in the summary says why).
 *
 * <pre>spark-submit --class dev.layerdiff.spark.CompareJob layerdiff-spark.jar --manifest pairs.jsonl --out DIR</pre>
 */
@Command(name = "layerdiff-spark", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = CompareJob.Version.class,
        description = {"Compare many pairs of dumps on a Spark cluster, each as `layerdiff compare` would.",
                "Exit code 0: every pair within tolerance; 1: a pair diverged; 2: bad usage, or a pair could not be compared."})
public final class CompareJob implements Callable<Integer> {
    static final int EXIT_ERROR = 2;
    /** {@code local[N,F]}: F is how often a task runs before it fails the job (plain {@code local[N]}: once). */
    private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");

    static final class Input {
        @Option(names = "--manifest", required = true, paramLabel = "FILE",
                description = "JSON lines {\"reference\": PATH, \"candidate\": PATH, \"labels\": {...}}")
        String manifest;

        @ArgGroup(exclusive = false)
        Trees trees;
    }

    static final class Trees {
        @Option(names = "--reference-root", required = true, paramLabel = "DIR", description = "reference dumps, paired by relative path")
        String reference;

        @Option(names = "--candidate-root", required = true, paramLabel = "DIR", description = "candidate dumps")
        String candidate;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where summary.json, reports/ and layers.parquet go")
    String out;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--rtol", paramLabel = "R", description = "relative tolerance for every layer (default: per dtype)")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "absolute tolerance for every layer (default: per dtype)")
    Double atol;

    @Option(names = "--tol", paramLabel = "GLOB=RTOL,ATOL", description = "tolerance for layers matching GLOB (repeatable; first match wins)")
    List<String> tolerances = new ArrayList<>();

    @Option(names = "--map", paramLabel = "REGEX=REPLACEMENT", description = "rename candidate tensors before pairing (repeatable)")
    List<String> mappings = new ArrayList<>();

    @Option(names = "--equal-nan", description = "count NaN against NaN as equal")
    boolean equalNan;

    @Option(names = "--precision", paramLabel = "fp64|fp32|tf32|fp16|bf16", description = "what the candidates computed in (default: the dtypes and the data)")
    String precision;

    @Option(names = "--no-diagnosis", negatable = false, description = "skip the diagnosis")
    boolean noDiagnosis;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "the executors' backend (default: as layerdiff compare)")
    String device;

    @Option(names = "--task-bytes", paramLabel = "BYTES", defaultValue = "512m", converter = ByteSize.class,
            description = "input one task compares at most (k, m, g suffixes; default ${DEFAULT-VALUE}); larger pairs are split")
    long taskBytes;

    private SparkSession session;
    private PrintWriter stdout;
    private Stages last;

    public static void main(String[] args) {
        System.exit(execute(null, new CompareJob(), args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs {@code job} on {@code spark} (null: a session made from --master or spark-submit's conf, stopped after). */
    static int execute(SparkSession spark, CompareJob job, String[] args, PrintWriter out, PrintWriter err) {
        job.session = spark;
        job.stdout = out;
        CommandLine cli = new CommandLine(job);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            err.println("layerdiff-spark: " + Faults.describe(ex));
            err.flush();
            return EXIT_ERROR;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("layerdiff-spark: " + ex.getMessage());
            err.println("Try 'layerdiff-spark --help'.");
            return EXIT_ERROR;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = new Settings(rtol, atol, tolerances, mappings, equalNan, precision, !noDiagnosis, device,
                taskBytes, 1).check();
        boolean own = session == null;
        SparkSession spark = own ? session() : session;
        try {
            Configuration conf = spark.sparkContext().hadoopConfiguration();
            List<ArchivePair> pairs = input.trees != null
                    ? Roots.pair(input.trees.reference, input.trees.candidate, conf)
                    : Manifest.read(input.manifest, conf);
            LayersTable table = new LayersTable(pairs);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Stages comparison = new Stages(sc, settings.withMaxAttempts(attempts(sc.master(), sc.getConf())));
            List<Outcome> outcomes = comparison.run(pairs.stream().map(ArchivePair::input).toList());
            last = comparison;
            new Outputs(out, conf).write(spark, pairs, outcomes, table);
            return verdict(outcomes);
        } finally {
            if (own) spark.stop();
        }
    }

    /** The comparison of the last run (tests look at how it was split). */
    Stages lastComparison() {
        return last;
    }

    private SparkSession session() {
        SparkSession.Builder b = SparkSession.builder().appName("layerdiff");
        if (master != null) b.master(master);
        else if (!new SparkConf().contains("spark.master")) b.master("local[*]");
        return b.getOrCreate();
    }

    private int verdict(List<Outcome> outcomes) {
        long ok = outcomes.stream().filter(o -> o.verdict().equals("ok")).count();
        long errors = outcomes.stream().filter(o -> o.error() != null).count();
        long diverged = outcomes.size() - ok - errors;
        stdout.println("layerdiff-spark: " + outcomes.size() + " pairs: " + ok + " ok, " + diverged + " diverged, "
                + errors + " failed; " + out + "/" + Outputs.SUMMARY);
        for (Outcome o : outcomes) if (o.error() != null) stdout.println("layerdiff-spark: " + o.error());
        stdout.flush();
        return errors > 0 ? EXIT_ERROR : diverged > 0 ? 1 : 0;
    }

    /** How often Spark runs a failing task: F of local[N,F], 1 for other local masters, else spark.task.maxFailures. */
    static int attempts(String master, SparkConf conf) {
        Matcher m = LOCAL_N_FAILURES.matcher(master);
        if (m.matches()) return Integer.parseInt(m.group(2));
        if (master.equals("local") || master.startsWith("local[")) return 1;
        return conf.getInt("spark.task.maxFailures", 4);
    }

    /** A byte count with an optional k, m or g suffix (powers of 1024). */
    static final class ByteSize implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
            try {
                long n = Long.parseLong(digits.trim());
                if (n < 1) throw new NumberFormatException();
                return Math.multiplyExact(n, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a positive byte count (e.g. 512m)");
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"layerdiff-spark " + dev.layerdiff.Version.get() + " (Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ")"};
        }
    }
}
