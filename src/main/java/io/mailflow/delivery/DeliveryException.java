package io.mailflow.delivery;

/**
 * A failed delivery attempt, classified by what it means for the request and for the recipient:
 * {@link Kind#TRANSIENT} (retry), {@link Kind#RECIPIENT_REJECTED} (a hard bounce: the mailbox does not
 * exist or cannot take mail; the only kind that suppresses the recipient), {@link Kind#RELAY_REJECTED}
 * (the relay refused the sender, the message or our credentials: fail the request, suppress nobody,
 * raise an alert) and {@link Kind#CANCELLED} (the request timed out before DATA; nothing was sent).
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What a failure means; see the class comment. */
    public enum Kind {
        TRANSIENT,
        RECIPIENT_REJECTED,
        RELAY_REJECTED,
        CANCELLED
    }

    private final Kind kind;
    private final int smtpCode;

    public DeliveryException(String message, Kind kind, int smtpCode, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.smtpCode = smtpCode;
    }

    /** A permanent failure that is not a bounce ({@link Kind#RELAY_REJECTED}) unless {@code transientFailure}. */
    public DeliveryException(String message, boolean transientFailure, int smtpCode, Throwable cause) {
        this(message, transientFailure ? Kind.TRANSIENT : Kind.RELAY_REJECTED, smtpCode, cause);
    }

    /** The request's deadline passed before DATA: the transaction was abandoned, nothing was sent. */
    public static DeliveryException cancelled() {
        return new DeliveryException("cancelled before DATA (async timeout): not sent", Kind.CANCELLED, -1, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }

    /** A recipient-stage rejection (5.1.x / 5.2.x): the address should not be tried again. */
    public boolean isBounce() {
        return kind == Kind.RECIPIENT_REJECTED;
    }

    /** The SMTP reply code, or -1 when the failure happened below SMTP (connection, timeout). */
    public int smtpCode() {
        return smtpCode;
    }
}
