package io.mailflow.delivery;

import java.io.Serializable;

/**
 * Where and how to reach the SMTP relay. {@link #toString()} never prints the password. An empty
 * password with a user name means: read it from {@link #PASSWORD_ENV} where the client connects (on the
 * task managers), so that it never travels inside the job graph.
 */
public record SmtpSettings(
        String host,
        int port,
        SmtpSecurity security,
        String username,
        String password,
        long timeoutMs,
        String fromAddress,
        String fromName)
        implements Serializable {

    /** The environment variable that holds the SMTP password. */
    public static final String PASSWORD_ENV = "MAILFLOW_SMTP_PASSWORD";

    public boolean authenticated() {
        return username != null && !username.isEmpty();
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "<unset>" : "<set>") + ", timeoutMs="
                + timeoutMs + "]";
    }
}
