package io.mailflow.email;

import io.mailflow.model.DryRunDecision;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;

/**
 * A dry run's decision under its user's key: the rendered subject and the text excerpt may quote the user's name,
 * so with encryption on they leave for the decisions topic sealed, each under its own field name in the associated
 * data ({@link PersonalDataCipher#DECISION_SUBJECT}, {@link PersonalDataCipher#DECISION_EXCERPT}), and an erasure of
 * the user makes them unreadable like every other copy. Ids, decision, reason and times stay readable: reports count
 * by them, and they carry no name or address.
 */
public final class SealedDecisions {
    /** What a reader shows instead of a subject or excerpt whose key is gone. */
    public static final String ERASED = "[erased]";

    private SealedDecisions() {}

    /**
     * The decision with subject and excerpt sealed under the user's key; when {@code createKey} (a recipient kept in
     * plain text from before encryption) under a key created for the user now. Empty texts stay empty.
     */
    public static DryRunDecision seal(DryRunDecision d, PersonalDataCipher cipher, boolean createKey)
            throws KeyUnavailableException {
        String u = d.userId();
        return d.withTexts(
                seal(cipher, u, PersonalDataCipher.DECISION_SUBJECT, d.subject(), createKey),
                seal(cipher, u, PersonalDataCipher.DECISION_EXCERPT, d.excerpt(), createKey));
    }

    /**
     * The decision as a person may read it: subject and excerpt opened when the user's key exists, {@link #ERASED}
     * when it does not (or the value does not authenticate). Plain texts (encryption off) pass unchanged.
     */
    public static DryRunDecision open(DryRunDecision d, PersonalDataCipher cipher) {
        return d.withTexts(
                open(cipher, d.userId(), PersonalDataCipher.DECISION_SUBJECT, d.subject()),
                open(cipher, d.userId(), PersonalDataCipher.DECISION_EXCERPT, d.excerpt()));
    }

    /** True when the subject or excerpt is sealed. */
    public static boolean isSealed(DryRunDecision d) {
        return PersonalDataCipher.isEncrypted(d.subject()) || PersonalDataCipher.isEncrypted(d.excerpt());
    }

    private static String seal(PersonalDataCipher cipher, String user, String field, String text, boolean createKey)
            throws KeyUnavailableException {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return createKey ? cipher.encryptCreatingKey(user, field, text) : cipher.encrypt(user, field, text);
    }

    private static String open(PersonalDataCipher cipher, String user, String field, String text) {
        if (cipher == null || !PersonalDataCipher.isEncrypted(text)) {
            return text;
        }
        try {
            return cipher.decrypt(user, field, text);
        } catch (KeyUnavailableException e) {
            return ERASED;
        }
    }
}
