package io.mailflow.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailflow.common.Tags;
import io.mailflow.io.InputRules;
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
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raw records of the profiles topic to contact updates. A profile document updates the profile; a
 * tombstone (null value) for a user key, or {@code {"userId": "...", "erase": true}}, is a GDPR erasure.
 * Invalid records become dead letters without their payload, which holds personal data; topic,
 * partition and offset identify them. No exception from a record leaves this operator.
 *
 * <p>With pseudonyms enabled, every update (profile, tombstone, erasure command) leaves with the user's keyed
 * pseudonym instead of the shop's id, and a dead letter's reason names the pseudonym: the profile-join state maps
 * a pseudonym to the address, and nothing downstream knows the shop's id.
 *
 * <p>A profile whose address or name the shop sealed ({@link SealedProfiles}) is let through only if each sealed
 * field opens under the user's key and holds what a plain one may; otherwise, or with encryption off, it is a dead
 * letter with the reason (counted in {@code sealedProfilesRejected}).
 */
public final class ParseProfilesFunction extends ProcessFunction<RawRecord, ContactUpdate> {
    private static final long serialVersionUID = 1L;
    static final String WITHHELD = "<withheld: personal data>";
    private final ProfileParser parser;
    private final PseudonymSettings pseudonymSettings;
    private final EncryptionSettings encryptionSettings;
    private transient Pseudonymizer pseudonyms;
    private transient PersonalDataCipher cipher;
    private transient Counter sealedRejected;
    private transient Counter unreadable;

    public ParseProfilesFunction() {
        this(Duration.ofHours(1));
    }

    public ParseProfilesFunction(Duration maxFutureSkew) {
        this(maxFutureSkew, PseudonymSettings.DISABLED);
    }

    public ParseProfilesFunction(Duration maxFutureSkew, PseudonymSettings pseudonymSettings) {
        this(maxFutureSkew, pseudonymSettings, EncryptionSettings.DISABLED);
    }

    public ParseProfilesFunction(
            Duration maxFutureSkew, PseudonymSettings pseudonymSettings, EncryptionSettings encryptionSettings) {
        this.parser = new ProfileParser(maxFutureSkew);
        this.pseudonymSettings = pseudonymSettings;
        this.encryptionSettings = encryptionSettings;
    }

    @Override
    public void open(OpenContext ctx) {
        pseudonyms = pseudonymSettings.open();
        cipher = encryptionSettings.open();
        sealedRejected = getRuntimeContext().getMetricGroup().counter("sealedProfilesRejected");
        unreadable = getRuntimeContext().getMetricGroup().counter(PersonalDataCipher.UNREADABLE_METRIC);
    }

    @Override
    public void close() {
        if (cipher != null) {
            cipher.close();
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ContactUpdate> out) {
        Parsed p;
        try {
            p = parse(raw);
        } catch (RuntimeException | StackOverflowError e) {
            p = Parsed.rejected(DeadLetter.of(
                    "profile", "invalid profile record (" + e.getClass().getSimpleName() + ")", raw, WITHHELD));
        }
        if (pseudonyms != null && p.update() != null) {
            p = Parsed.of(p.update().withUserId(pseudonyms.pseudonym(p.update().userId())));
        }
        if (p.update() != null
                && p.update().kind() == ContactUpdate.Kind.PROFILE
                && SealedProfiles.hasSealedFields(p.update().profile())) {
            // sealed by the shop under the key of the id the job keys by (the pseudonym when those are on)
            SealedProfiles.Rejection problem = cipher == null
                    ? new SealedProfiles.Rejection(
                            "has sealed fields, but privacy.encryption.enabled is off: the job holds no key to open them",
                            false)
                    : SealedProfiles.problem(p.update().profile(), cipher);
            if (problem != null) {
                sealedRejected.inc();
                if (problem.unreadable()) {
                    unreadable.inc();
                }
                p = Parsed.rejected(DeadLetter.of(
                        "profile", "profile of user " + p.update().userId() + " " + problem.reason(), raw, WITHHELD));
            }
        }
        // Emitted outside the guard: a failure of the operators chained downstream is theirs, not this record's.
        // A failure of the key topic fails the task too: a profile is never let through in plain text.
        if (p.update() != null) {
            out.collect(cipher == null ? p.update() : Encrypted.update(p.update(), cipher));
        } else {
            ctx.output(Tags.DEAD_LETTERS, p.deadLetter());
        }
    }

    /** A record's outcome: an update, or a dead letter with the reason. */
    public record Parsed(ContactUpdate update, DeadLetter deadLetter) {
        static Parsed of(ContactUpdate u) {
            return new Parsed(u, null);
        }

        static Parsed rejected(DeadLetter d) {
            return new Parsed(null, d);
        }
    }

    private Parsed parse(RawRecord raw) {
        long now = System.currentTimeMillis();
        if (raw.tombstone()) {
            String user = raw.keyText();
            if (user == null || user.isBlank()) {
                return Parsed.rejected(DeadLetter.of("profile", "tombstone without a user key", raw, ""));
            } else if (user.length() > 128 || !InputRules.ID.matcher(user).matches()) {
                return Parsed.rejected(DeadLetter.of("profile", "tombstone with an invalid user key", raw, ""));
            }
            return Parsed.of(ContactUpdate.erase(user, now));
        }
        String erase = eraseCommand(raw.value());
        if (erase != null) {
            return Parsed.of(ContactUpdate.erase(erase, now));
        }
        ProfileParser.Result r = parser.parse(raw.value(), now);
        if (r.profile() != null) {
            return Parsed.of(ContactUpdate.profile(r.profile()));
        }
        return Parsed.rejected(PseudonymousDeadLetters.of("profile", r.error(), raw, WITHHELD, pseudonyms));
    }

    /** The user id of an erasure command, or null when the record is not one (the profile parser judges it). */
    private static String eraseCommand(byte[] value) {
        try {
            JsonNode n = InputRules.object(value, ProfileParser.MAX_PAYLOAD_BYTES, "profile");
            if (n.path("erase").asBoolean(false)) {
                return InputRules.requiredId(n, "userId", 128);
            }
        } catch (RuntimeException e) {
            // not JSON or no valid user: the profile parser reports it
        }
        return null;
    }
}
