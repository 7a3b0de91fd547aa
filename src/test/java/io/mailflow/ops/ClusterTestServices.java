package io.mailflow.ops;

import io.mailflow.config.MailflowConfig;
import io.mailflow.testkit.CapturingSmtpServer;
import io.mailflow.testkit.EmbeddedKafka;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The services around the cluster in the real-cluster test ({@code .ci/cluster-test.sh}), in one child
 * JVM: an embedded KRaft broker with the job's topics and a capturing SMTP server on 127.0.0.1 that
 * writes every e-mail it receives as an {@code .eml} file. Runs until the process is killed.
 *
 * <pre>java -cp test-classpath io.mailflow.ops.ClusterTestServices WORK_DIR</pre>
 *
 * Writes {@code WORK_DIR/services.properties} ({@code bootstrap}, {@code smtpPort}) once both are up;
 * e-mails go to {@code WORK_DIR/mail/}.
 */
public final class ClusterTestServices {
    private ClusterTestServices() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        CapturingSmtpServer smtp = new CapturingSmtpServer(work.resolve("mail"));
        MailflowConfig config = MailflowConfig.builder()
                .set("kafka.bootstrap-servers", kafka.bootstrapServers())
                .build();
        kafka.createTopics(config);

        Properties p = new Properties();
        p.setProperty("bootstrap", kafka.bootstrapServers());
        p.setProperty("smtpPort", Integer.toString(smtp.port()));
        Path tmp = work.resolve("services.properties.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "cluster test services");
        }
        Files.move(tmp, work.resolve("services.properties"), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("services: kafka " + kafka.bootstrapServers() + ", smtp 127.0.0.1:" + smtp.port());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            smtp.close();
            try {
                kafka.close();
            } catch (Exception e) {
                System.err.println("services: closing Kafka: " + e);
            }
            stopped.countDown();
        }));
        while (stopped.getCount() > 0) {
            try {
                smtp.flushToFolder();
            } catch (Exception e) {
                return; // shutting down
            }
            Thread.sleep(200);
        }
    }
}
