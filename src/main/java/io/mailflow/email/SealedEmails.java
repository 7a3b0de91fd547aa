package io.mailflow.email;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Recipient;
import io.mailflow.model.RenderedEmail;
import io.mailflow.privacy.KeyUnavailableException;
import io.mailflow.privacy.PersonalDataCipher;

/**
 * Personal data of an e-mail under its user's key: the recipient (address, name) as the profile join passes it on,
 * and the rendered e-mail's address, name, subject and bodies (which may quote the name) until the delivery step
 * opens them right before SMTP. Ids, campaign, variant and the unsubscribe header stay readable: the job routes and
 * reports by them, and they carry no address.
 */
public final class SealedEmails {
    private SealedEmails() {}

    /** The request with its recipient in plain text (values without encryption pass unchanged). */
    public static AddressedRequest open(AddressedRequest a, PersonalDataCipher cipher) throws KeyUnavailableException {
        String user = a.request().userId();
        Recipient r = a.recipient();
        return new AddressedRequest(
                a.request(),
                new Recipient(
                        cipher.decrypt(user, PersonalDataCipher.EMAIL, r.email()),
                        cipher.decrypt(user, PersonalDataCipher.NAME, r.name()),
                        r.locale(),
                        r.timeZone()));
    }

    /**
     * The e-mail with its personal data encrypted under the user's existing key, or, when {@code createKey} (a
     * recipient kept in plain text from before encryption), under a key created for the user now.
     */
    public static RenderedEmail seal(RenderedEmail e, PersonalDataCipher cipher, boolean createKey)
            throws KeyUnavailableException {
        String u = e.userId();
        if (createKey) {
            cipher.encryptCreatingKey(u, PersonalDataCipher.EMAIL, e.toAddress());
        }
        return new RenderedEmail(
                e.requestId(),
                e.messageId(),
                e.campaignId(),
                e.variant(),
                u,
                cipher.encrypt(u, PersonalDataCipher.EMAIL, e.toAddress()),
                cipher.encrypt(u, PersonalDataCipher.NAME, e.toName()),
                cipher.encrypt(u, PersonalDataCipher.SUBJECT, e.subject()),
                cipher.encrypt(u, PersonalDataCipher.HTML, e.html()),
                cipher.encrypt(u, PersonalDataCipher.TEXT, e.text()),
                e.listUnsubscribe(),
                e.triggeredAt());
    }

    /** The e-mail in plain text, for the SMTP client only: never stored, never emitted. */
    public static RenderedEmail open(RenderedEmail e, PersonalDataCipher cipher) throws KeyUnavailableException {
        String u = e.userId();
        return new RenderedEmail(
                e.requestId(),
                e.messageId(),
                e.campaignId(),
                e.variant(),
                u,
                cipher.decrypt(u, PersonalDataCipher.EMAIL, e.toAddress()),
                cipher.decrypt(u, PersonalDataCipher.NAME, e.toName()),
                cipher.decrypt(u, PersonalDataCipher.SUBJECT, e.subject()),
                cipher.decrypt(u, PersonalDataCipher.HTML, e.html()),
                cipher.decrypt(u, PersonalDataCipher.TEXT, e.text()),
                e.listUnsubscribe(),
                e.triggeredAt());
    }
}
