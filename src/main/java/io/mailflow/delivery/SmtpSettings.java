package io.mailflow.delivery;

import java.io.Serializable;

/**
 * Where and how to reach the SMTP relay. {@link #toString()} never prints the password. An empty
 * password with a user name means: read it from {@link #PASSWORD_ENV} where the client connects (on the
 * task managers), so that it never travels inside the job graph.
 *
 * <p>SMTP AUTH over a clear connection ({@link SmtpSecurity#NONE} with a user name) would send the password
 * readable to anyone on the path; it is refused here, at construction, unless {@code allowAuthWithoutTls}
 * says the relay is on a trusted link.
 */
public record SmtpSettings(
        String host,
        int port,
        SmtpSecurity security,
        String username,
        String password,
        long timeoutMs,
        String fromAddress,
        String fromName,
        boolean allowAuthWithoutTls)
        implements Serializable {

    public SmtpSettings {
        if (username != null && !username.isEmpty() && security == SmtpSecurity.NONE && !allowAuthWithoutTls) {
            throw new IllegalArgumentException("SMTP AUTH (smtp.username) without TLS would send the password in"
                    + " clear: set smtp.security to starttls or smtps, or smtp.allow-auth-without-tls to true for a"
                    + " relay on a trusted local link");
        }
    }

    /** Settings that refuse SMTP AUTH without TLS. */
    public SmtpSettings(
            String host,
            int port,
            SmtpSecurity security,
            String username,
            String password,
            long timeoutMs,
            String fromAddress,
            String fromName) {
        this(host, port, security, username, password, timeoutMs, fromAddress, fromName, false);
    }

    /** The environment variable that holds the SMTP password. */
    public static final String PASSWORD_ENV = "MAILFLOW_SMTP_PASSWORD";

    public boolean authenticated() {
        return username != null && !username.isEmpty();
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "<unset>" : "<set>") + ", timeoutMs="
                + timeoutMs + ", allowAuthWithoutTls=" + allowAuthWithoutTls + "]";
    }
}
