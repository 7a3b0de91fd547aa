package io.mailflow.delivery;

import io.mailflow.model.RenderedEmail;

/**
 * Hands one rendered e-mail to a mail server. Implementations are used by one thread at a time and
 * may keep a connection open between calls.
 *
 * <p>Contract: returns the server's acceptance reply, or throws {@link DeliveryException} saying
 * whether the failure is transient (worth retrying: 4xx replies, connection errors, timeouts) or
 * permanent (5xx replies, invalid addresses).
 */
public interface MailClient extends AutoCloseable {

    String send(RenderedEmail email) throws DeliveryException;

    @Override
    void close();
}
