package io.mailflow.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in a <em>child JVM</em>, for the
 * reliability tests that must crash the broker: unlike {@link EmbeddedKafka} it can be killed with
 * SIGKILL ({@link #kill()}: {@code Process.destroyForcibly}, i.e. {@code kill -9} of its PID), and
 * {@link #restart()} starts it again on the same ports and log directory, so that it recovers its data
 * (log recovery after an unclean shutdown) as a real broker would. Everything on 127.0.0.1.
 *
 * <p>The parent side picks two free ports, writes {@code server.properties} into the directory and
 * starts {@code java -cp <this JVM's class path> io.mailflow.testkit.KafkaBrokerProcess server.properties
 * CLUSTER_ID}; the child formats the log directory when it is new ({@code kafka-storage format}) and then
 * runs {@code kafka.Kafka}, the broker's own entry point, until it is stopped or killed. Its output goes
 * to {@code broker.log} in the directory. Not part of the deployable job.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Path properties;
    private final String clusterId;
    private final List<Long> pids = new ArrayList<>();
    private int saslPlaintextPort;
    private int saslSslPort;
    private int mtlsPort;
    /** Extra arguments of {@code kafka-storage format} (SCRAM credentials), passed to the child. */
    private final List<String> formatArgs = new ArrayList<>();

    private Process process;

    private KafkaBrokerProcess(Path dir, int port, Path properties, String clusterId) {
        this.dir = dir;
        this.port = port;
        this.properties = properties;
        this.clusterId = clusterId;
    }

    /** Starts a new broker whose data lives in {@code dir} (which must not exist or be empty). */
    public static KafkaBrokerProcess start(Path dir, Duration timeout) throws Exception {
        return start(dir, timeout, null);
    }

    /**
     * The SASL listeners of {@link #startWithSasl}: SASL/PLAIN and SASL/SCRAM-SHA-512 with these {@code users}
     * (name to password) on a SASL_PLAINTEXT and a SASL_SSL listener; the SASL_SSL listener presents the key in
     * {@code keystore} (PKCS12, whose store and key password is {@code keystorePassword}). The SCRAM credentials
     * are written when the log directory is formatted, as {@code kafka-storage format --add-scram} does. A third
     * listener, SSL without SASL ({@link #mtlsBootstrap()}), requires a client certificate that
     * {@code clientTruststore} (PKCS12, password {@code clientTruststorePassword}) trusts: mutual TLS.
     */
    public record Sasl(
            Map<String, String> users,
            Path keystore,
            String keystorePassword,
            Path clientTruststore,
            String clientTruststorePassword) {}

    /**
     * Starts a broker that also has a SASL_PLAINTEXT ({@link #saslPlaintextBootstrap()}) and a SASL_SSL
     * ({@link #saslSslBootstrap()}) listener, both authenticating with SASL/PLAIN or SCRAM-SHA-512 against
     * {@code sasl.users()}.
     * The unauthenticated PLAINTEXT listener ({@link #bootstrapServers()}, 127.0.0.1 only) stays: the broker uses
     * it between its own roles and the test uses it to create and read topics, as an operator would from inside.
     */
    public static KafkaBrokerProcess startWithSasl(Path dir, Duration timeout, Sasl sasl) throws Exception {
        return start(dir, timeout, sasl);
    }

    private static KafkaBrokerProcess start(Path dir, Duration timeout, Sasl sasl) throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        int saslPlaintextPort = sasl == null ? 0 : freePort();
        int saslSslPort = sasl == null ? 0 : freePort();
        int mtlsPort = sasl == null ? 0 : freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        // as EmbeddedKafka: events carry fixed instants; time-based retention would delete them
        p.setProperty("log.retention.ms", "-1");
        if (sasl != null) {
            String saslListeners = ",SASL_PLAINTEXT://127.0.0.1:" + saslPlaintextPort + ",SASL_SSL://127.0.0.1:"
                    + saslSslPort + ",SSL://127.0.0.1:" + mtlsPort;
            p.setProperty("listeners", p.getProperty("listeners") + saslListeners);
            p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + saslListeners);
            p.setProperty(
                    "listener.security.protocol.map",
                    p.getProperty("listener.security.protocol.map")
                            + ",SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL");
            p.setProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            sasl.users()
                    .forEach((user, password) -> jaas.append(" user_")
                            .append(user)
                            .append("=\"")
                            .append(password)
                            .append('"'));
            jaas.append(';');
            p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.toString());
            p.setProperty("listener.name.sasl_ssl.plain.sasl.jaas.config", jaas.toString());
            String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
            p.setProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", scram);
            p.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scram);
            p.setProperty(
                    "listener.name.sasl_ssl.ssl.keystore.location",
                    sasl.keystore().toAbsolutePath().toString());
            p.setProperty("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
            p.setProperty("listener.name.sasl_ssl.ssl.keystore.password", sasl.keystorePassword());
            p.setProperty("listener.name.sasl_ssl.ssl.key.password", sasl.keystorePassword());
            String ks = sasl.keystore().toAbsolutePath().toString();
            p.setProperty("listener.name.ssl.ssl.keystore.location", ks);
            p.setProperty("listener.name.ssl.ssl.keystore.type", "PKCS12");
            p.setProperty("listener.name.ssl.ssl.keystore.password", sasl.keystorePassword());
            p.setProperty("listener.name.ssl.ssl.key.password", sasl.keystorePassword());
            p.setProperty(
                    "listener.name.ssl.ssl.truststore.location",
                    sasl.clientTruststore().toAbsolutePath().toString());
            p.setProperty("listener.name.ssl.ssl.truststore.type", "PKCS12");
            p.setProperty("listener.name.ssl.ssl.truststore.password", sasl.clientTruststorePassword());
            p.setProperty("listener.name.ssl.ssl.client.auth", "required");
        }
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "KafkaBrokerProcess");
        }
        KafkaBrokerProcess broker =
                new KafkaBrokerProcess(dir, port, file, Uuid.randomUuid().toString());
        broker.saslPlaintextPort = saslPlaintextPort;
        broker.saslSslPort = saslSslPort;
        broker.mtlsPort = mtlsPort;
        if (sasl != null) {
            sasl.users().forEach((user, password) -> {
                broker.formatArgs.add("--add-scram");
                broker.formatArgs.add("SCRAM-SHA-512=[name=" + user + ",password=" + password + "]");
            });
        }
        broker.launch(timeout);
        return broker;
    }

    private void launch(Duration timeout) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-cp",
                        // under surefire java.class.path may be a manifest-only booter jar; the real one is here
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                        KafkaBrokerProcess.class.getName(),
                        properties.toString(),
                        clusterId)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()));
        pb.command().addAll(formatArgs);
        process = pb.start();
        pids.add(process.pid());
        awaitReady(timeout);
    }

    /** Waits until the broker answers an admin request (its metadata is loaded). */
    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the broker process exited with " + process.exitValue() + ", see " + dir.resolve("broker.log"));
            }
            if (listening()) {
                try (Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    admin.listTopics().names().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    last = e;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the broker did not become ready within " + timeout, last);
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_PLAINTEXT listener of a broker started with {@link #startWithSasl}. */
    public String saslPlaintextBootstrap() {
        requireSasl();
        return "127.0.0.1:" + saslPlaintextPort;
    }

    /** The SASL_SSL listener of a broker started with {@link #startWithSasl}. */
    public String saslSslBootstrap() {
        requireSasl();
        return "127.0.0.1:" + saslSslPort;
    }

    /** The SSL listener, with client certificates required, of a broker started with {@link #startWithSasl}. */
    public String mtlsBootstrap() {
        requireSasl();
        return "127.0.0.1:" + mtlsPort;
    }

    private void requireSasl() {
        if (saslSslPort == 0) {
            throw new IllegalStateException("this broker was started without SASL listeners");
        }
    }

    /** The PID of the running broker JVM. */
    public long pid() {
        return process.pid();
    }

    /** Every broker PID this object started, in order (each restart is a new process). */
    public List<Long> pids() {
        return List.copyOf(pids);
    }

    /** SIGKILL: {@code kill -9} of the broker JVM this object started; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("broker pid " + process.pid() + " still alive 30 s after SIGKILL");
        }
    }

    /** Starts the broker again on the same ports, with the log directory the killed one left behind. */
    public void restart(Duration timeout) throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        launch(timeout);
    }

    /** Stops the broker JVM this object started (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The child JVM: {@code KafkaBrokerProcess SERVER_PROPERTIES CLUSTER_ID [FORMAT_ARGS...]}. */
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            p.load(in);
        }
        Path data = Path.of(p.getProperty("log.dirs"));
        if (!Files.exists(data.resolve("meta.properties"))) {
            List<String> format =
                    new ArrayList<>(List.of("format", "-t", args[1], "-c", args[0], "--ignore-formatted"));
            format.addAll(List.of(args).subList(2, args.length));
            int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
            if (rc != 0) {
                throw new IllegalStateException("kafka-storage format failed: " + rc);
            }
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
