package io.mailflow.email;

import io.mailflow.common.Tags;
import io.mailflow.model.AddressedRequest;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.DryRunDecision;
import io.mailflow.model.RenderedEmail;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Composes each addressed request into an e-mail. A template error (with template name, line and
 * reason) or a header-injection attempt sends the request to the dead letters; the job goes on.
 *
 * <p>With encryption on, the recipient arrives encrypted: it is decrypted here only to compose the e-mail, and the
 * e-mail leaves with address, name, subject and both bodies encrypted under the user's key ({@link SealedEmails}),
 * so e-mails in flight (and in the async sender's checkpointed queue) hold no readable personal data. A recipient
 * whose key was erased meanwhile is a dead letter. A dry run's decision, which quotes the subject and the start of
 * the text, leaves with both sealed the same way ({@link SealedDecisions}).
 */
public final class RenderFunction extends ProcessFunction<AddressedRequest, RenderedEmail> {
    private static final long serialVersionUID = 1L;

    /** What a dry run would have sent: the rendered e-mail's decision, instead of the e-mail. */
    public static final OutputTag<DryRunDecision> DRY_RUN_SENDS =
            new OutputTag<>("dry-run-sends", TypeInformation.of(DryRunDecision.class));

    private final EmailComposer.Settings settings;
    private final EncryptionSettings encryption;
    private transient EmailComposer composer;
    private transient PersonalDataCipher cipher;
    private transient Counter unreadable;
    private transient Counter personalDataUnreadable;
    private transient Counter templateErrors;
    private transient Counter injections;

    public RenderFunction(EmailComposer.Settings settings) {
        this(settings, EncryptionSettings.DISABLED);
    }

    public RenderFunction(EmailComposer.Settings settings, EncryptionSettings encryption) {
        this.settings = settings;
        this.encryption = encryption;
    }

    @Override
    public void open(OpenContext ctx) {
        composer = new EmailComposer(settings);
        templateErrors = getRuntimeContext().getMetricGroup().counter("templateErrors");
        injections = getRuntimeContext().getMetricGroup().counter("headerInjectionsBlocked");
        unreadable = getRuntimeContext().getMetricGroup().counter("recipientsUnreadable");
        personalDataUnreadable = getRuntimeContext().getMetricGroup().counter(PersonalDataCipher.UNREADABLE_METRIC);
        cipher = encryption.open();
    }

    @Override
    public void close() {
        if (cipher != null) {
            cipher.close();
        }
    }

    @Override
    public void processElement(AddressedRequest a, Context ctx, Collector<RenderedEmail> out) {
        boolean dryRun = a.request().rules() != null && a.request().rules().dryRun();
        RenderedEmail email = null;
        DryRunDecision decision = null;
        try {
            AddressedRequest plain = cipher == null ? a : SealedEmails.open(a, cipher);
            RenderedEmail composed = composer.compose(plain, System.currentTimeMillis() / 1000);
            boolean createKey = cipher != null
                    && !PersonalDataCipher.isEncrypted(a.recipient().email());
            if (dryRun) {
                // subject and excerpt may quote the name: sealed like the e-mail a live run would have sent
                decision = DryRunDecision.send(a.request(), composed.subject(), composed.text());
                if (cipher != null) {
                    decision = SealedDecisions.seal(decision, cipher, createKey);
                }
            } else {
                email = cipher == null ? composed : SealedEmails.seal(composed, cipher, createKey);
            }
        } catch (KeyUnavailableException e) {
            unreadable.inc();
            personalDataUnreadable.inc();
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of(
                            "render",
                            "recipient unreadable: the user's data key is erased or missing",
                            a.request().requestId()));
            return;
        } catch (TemplateException e) {
            templateErrors.inc();
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("render", e.getMessage(), a.request().requestId()));
            return;
        } catch (IllegalArgumentException e) {
            injections.inc();
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of("render", e.getMessage(), a.request().requestId()));
            return;
        } catch (RuntimeException e) {
            // compose() turns every failure into one of the above; this is the last guard against a restart
            // loop on one request. Only the type: a message could quote the address.
            templateErrors.inc();
            ctx.output(
                    Tags.DEAD_LETTERS,
                    DeadLetter.of(
                            "render",
                            "cannot render: " + e.getClass().getSimpleName(),
                            a.request().requestId()));
            return;
        }
        // Emitted outside the guard: what the chained operators downstream throw (the async sender, a sink)
        // is their failure, not this request's, and must fail the task rather than become a dead letter.
        if (dryRun) {
            ctx.output(DRY_RUN_SENDS, decision);
        } else {
            out.collect(email);
        }
    }
}
