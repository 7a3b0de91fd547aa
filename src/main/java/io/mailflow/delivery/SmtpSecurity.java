package io.mailflow.delivery;

/** Transport security of the SMTP connection. */
public enum SmtpSecurity {
    NONE,
    STARTTLS,
    SMTPS
}
