package io.mailflow.delivery;

import io.mailflow.common.Tags;
import io.mailflow.common.Uids;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RenderedEmail;
import io.mailflow.model.SendResult;
import io.mailflow.model.Suppression;
import io.mailflow.privacy.EncryptionSettings;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Delivery: rendered e-mails -> async SMTP (bounded capacity, timeout, retries, rate limits, send ledger)
 * -> send outcomes (results, bounce suppressions, delivery audit).
 */
public final class DeliveryStage {
    private DeliveryStage() {}

    /**
     * @param results one result per request (sent, failed, skipped as already sent)
     * @param suppressions hard bounces, for the suppressions topic
     * @param audit every attempt of every request
     * @param deadLetters requests that could not be sent, with the reason
     */
    public record Outputs(
            DataStream<SendResult> results,
            DataStream<Suppression> suppressions,
            DataStream<SendOutcomeFunction.AuditRecord> audit,
            DataStream<DeadLetter> deadLetters) {}

    /**
     * @param clients how to reach the mail server (injected: SMTP in production, a capturing server in tests)
     * @param ledger where accepted requests are remembered across restarts
     */
    public static Outputs attach(
            DataStream<RenderedEmail> rendered,
            DeliverySettings settings,
            MailClientFactory clients,
            SendLedgerFactory ledger) {
        return attach(rendered, settings, clients, ledger, EncryptionSettings.DISABLED);
    }

    /** With encryption on, each e-mail is decrypted in the sender's thread right before SMTP, and only there. */
    public static Outputs attach(
            DataStream<RenderedEmail> rendered,
            DeliverySettings settings,
            MailClientFactory clients,
            SendLedgerFactory ledger,
            EncryptionSettings encryption) {
        DataStream<SendResult> attempts = AsyncDataStream.unorderedWait(
                        rendered,
                        new AsyncEmailSender(
                                clients,
                                ledger,
                                settings.threads(),
                                settings.capacity(),
                                settings.retry(),
                                settings.rateLimits(),
                                settings.ambiguousPolicy(),
                                encryption),
                        settings.timeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        settings.capacity())
                .uid(Uids.SEND)
                .name("send e-mail (async SMTP)");
        SingleOutputStreamOperator<SendResult> results = attempts.process(new SendOutcomeFunction())
                .uid(Uids.SEND_OUTCOMES)
                .name("send outcomes");
        return new Outputs(
                results,
                results.getSideOutput(SendOutcomeFunction.SUPPRESSIONS),
                results.getSideOutput(SendOutcomeFunction.AUDIT),
                results.getSideOutput(Tags.DEAD_LETTERS));
    }
}
