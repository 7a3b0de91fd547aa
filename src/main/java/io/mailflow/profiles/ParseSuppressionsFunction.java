package io.mailflow.profiles;

import io.mailflow.common.Tags;
import io.mailflow.io.PseudonymousDeadLetters;
import io.mailflow.model.ContactUpdate;
import io.mailflow.model.DeadLetter;
import io.mailflow.model.RawRecord;
import io.mailflow.privacy.EncryptionSettings;
import io.mailflow.privacy.PersonalDataCipher;
import io.mailflow.privacy.PseudonymSettings;
import io.mailflow.privacy.Pseudonymizer;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Suppression events ({@code {"userId":..., "reason":..., "at":...}}) to contact updates, validated by
 * {@link SuppressionValidator}; anything else is a dead letter with the reason. No exception from a record
 * leaves this operator.
 *
 * <p>With pseudonyms enabled, the CRM's raw ids become their keyed pseudonyms, while the suppressions the job
 * wrote to this topic itself (unsubscribes, bounces, erasure markers), which already carry pseudonyms of the
 * current key, are kept as they are ({@link Pseudonymizer#ensure}).
 */
public final class ParseSuppressionsFunction extends ProcessFunction<RawRecord, ContactUpdate> {
    private static final long serialVersionUID = 1L;
    private final SuppressionValidator validator;
    private final PseudonymSettings pseudonymSettings;
    private final EncryptionSettings encryptionSettings;
    private transient Pseudonymizer pseudonyms;
    private transient PersonalDataCipher cipher;

    public ParseSuppressionsFunction() {
        this(Duration.ofHours(1));
    }

    public ParseSuppressionsFunction(Duration maxFutureSkew) {
        this(maxFutureSkew, PseudonymSettings.DISABLED);
    }

    public ParseSuppressionsFunction(Duration maxFutureSkew, PseudonymSettings pseudonymSettings) {
        this(maxFutureSkew, pseudonymSettings, EncryptionSettings.DISABLED);
    }

    /** With encryption on, an erasure also deletes the user's data key (crypto-shredding). */
    public ParseSuppressionsFunction(
            Duration maxFutureSkew, PseudonymSettings pseudonymSettings, EncryptionSettings encryptionSettings) {
        this.validator = new SuppressionValidator(maxFutureSkew);
        this.pseudonymSettings = pseudonymSettings;
        this.encryptionSettings = encryptionSettings;
    }

    @Override
    public void open(OpenContext ctx) {
        pseudonyms = pseudonymSettings.open();
        cipher = encryptionSettings.open();
    }

    @Override
    public void close() {
        if (cipher != null) {
            cipher.close();
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ContactUpdate> out) {
        SuppressionValidator.Result r;
        try {
            r = validator.validate(raw.value(), raw.sourceTimestamp(), System.currentTimeMillis());
        } catch (RuntimeException | StackOverflowError e) {
            r = new SuppressionValidator.Result(
                    null, "invalid suppression event (" + e.getClass().getSimpleName() + ")");
        }
        if (r.update() != null) {
            ContactUpdate u = r.update();
            u = pseudonyms == null ? u : u.withUserId(pseudonyms.ensure(u.userId()));
            out.collect(cipher == null ? u : Encrypted.update(u, cipher));
        } else {
            ctx.output(
                    Tags.DEAD_LETTERS,
                    PseudonymousDeadLetters.of(
                            "suppression", r.error(), raw, DeadLetter.payloadText(raw.value()), pseudonyms));
        }
    }
}
