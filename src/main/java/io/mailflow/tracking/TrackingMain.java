package io.mailflow.tracking;

import io.mailflow.email.EmailComposer;
import io.mailflow.email.Keyring;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tracking service until it is stopped (SIGTERM: it stops taking requests and spools what Kafka has not
 * acknowledged). Options: {@link TrackingSettings#usage()}; the link secret from {@code MAILFLOW_LINK_SECRET}.
 */
public final class TrackingMain {
    private static final Logger LOG = LoggerFactory.getLogger(TrackingMain.class);

    private TrackingMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
            System.out.println(TrackingSettings.usage());
            return;
        }
        TrackingSettings settings = TrackingSettings.parse(args);
        Keyring keys = Keyring.of(settings.linkKeyId(), System.getenv(EmailComposer.LINK_SECRET_ENV))
                .withPrevious(System.getenv(Keyring.PREVIOUS_SECRET_ENV));
        List<EspWebhook> webhooks = new ArrayList<>();
        String sendGridKey = System.getenv(SendGridWebhook.PUBLIC_KEY_ENV);
        if (sendGridKey != null && !sendGridKey.isBlank()) {
            webhooks.add(new SendGridWebhook(sendGridKey));
        }
        String sesTopics = System.getenv(SesSnsWebhook.TOPICS_ENV);
        if (sesTopics != null && !sesTopics.isBlank()) {
            SnsCertificates certificates = new SnsCertificates();
            webhooks.add(new SesSnsWebhook(SesSnsWebhook.topics(sesTopics), certificates, certificates.confirmer()));
        }
        TrackingServer server = TrackingServer.start(settings, keys, Clock.systemUTC(), webhooks);
        webhooks.forEach(w -> LOG.info("Webhook /webhooks/{} enabled", w.name()));
        LOG.info(
                "Tracking service on port {} (Kafka {}, spool {})",
                server.port(),
                settings.bootstrapServers(),
                settings.spoolDir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.close();
                            } catch (Exception e) {
                                LOG.warn("Stopping the tracking service: {}", e.toString());
                            } finally {
                                stopped.countDown();
                            }
                        },
                        "tracking-shutdown"));
        stopped.await();
    }
}
