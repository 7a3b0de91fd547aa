package io.mailflow.delivery;

import io.mailflow.model.RenderedEmail;
import java.util.function.BooleanSupplier;

/**
 * Hands one rendered e-mail to a mail server. Implementations are used by one thread at a time and
 * may keep a connection open between calls.
 *
 * <p>Contract: returns the server's acceptance reply, or throws {@link DeliveryException} saying what the
 * failure means ({@link DeliveryException.Kind}): transient (worth retrying: 4xx replies, connection
 * errors, timeouts), a recipient rejection (a bounce: 5.1.x / 5.2.x at RCPT TO), a relay rejection (any
 * other 5xx, authentication failures, a message that cannot be built) or cancelled.
 */
public interface MailClient extends AutoCloseable {

    String send(RenderedEmail email) throws DeliveryException;

    /**
     * Like {@link #send(RenderedEmail)}, but asks {@code mayStartData} immediately before the message
     * content is committed (SMTP DATA) and abandons the transaction with {@link DeliveryException#cancelled()}
     * when it answers false. Once it has answered true the message may be out. The default asks before the
     * whole transaction, for clients that cannot stop in the middle of one.
     */
    default String send(RenderedEmail email, BooleanSupplier mayStartData) throws DeliveryException {
        if (!mayStartData.getAsBoolean()) {
            throw DeliveryException.cancelled();
        }
        return send(email);
    }

    @Override
    void close();
}
