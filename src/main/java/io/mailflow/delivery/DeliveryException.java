package io.mailflow.delivery;

/** A failed delivery attempt, classified as transient (retry) or permanent (give up). */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final int smtpCode;

    public DeliveryException(String message, boolean transientFailure, int smtpCode, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.smtpCode = smtpCode;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** The SMTP reply code, or -1 when the failure happened below SMTP (connection, timeout). */
    public int smtpCode() {
        return smtpCode;
    }
}
