package dev.layerdiff.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on 127.0.0.1 from the test's own class path, no Spark installation: a Master
 * and a Worker, each its own JVM, and the executor JVMs the Worker starts. Spark's launcher builds an
 * executor's class path from {@code $SPARK_HOME/jars}; here that folder is empty and the executors get
 * the test's class path through {@code spark.executor.extraClassPath} instead.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    final String masterUrl;
    private final Path home;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(Path home, int port) {
        this.home = home;
        this.masterUrl = "spark://" + HOST + ":" + port;
    }

    static StandaloneCluster start(Path home, int cores, String memory) throws IOException, InterruptedException {
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("logs"));
        int port = freePort();
        StandaloneCluster cluster = new StandaloneCluster(home, port);
        try {
            cluster.launch("master", "org.apache.spark.deploy.master.Master", "--host", HOST, "--port",
                    Integer.toString(port), "--webui-port", "0");
            cluster.awaitPort(port);
            cluster.launch("worker", "org.apache.spark.deploy.worker.Worker", "--host", HOST, "--cores",
                    Integer.toString(cores), "--memory", memory, "--webui-port", "0", "--work-dir",
                    home.resolve("work").toString(), cluster.masterUrl);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The class path every JVM of the cluster runs with: the test's. */
    static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** The last lines of a process's log, for a failure message. */
    String log(String name) {
        try {
            List<String> lines = Files.readAllLines(home.resolve("logs").resolve(name + ".log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void launch(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.addAll(List.of("-cp", classPath(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("logs").resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", HOST);
        processes.add(pb.start());
    }

    private void awaitPort(int port) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) throw new IOException("the master exited with " + p.exitValue() + ":\n" + log("master"));
            }
            try (Socket s = new Socket(HOST, port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the master did not listen on " + port + " within 60 s:\n" + log("master"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    /** Stops the worker (which stops its executors), then the master. */
    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
        }
    }
}
