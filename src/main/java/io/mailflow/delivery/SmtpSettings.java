package io.mailflow.delivery;

import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.config.MailflowOptions.SmtpSecurity;
import java.io.Serializable;

/**
 * Where and how to reach the SMTP relay. {@link #toString()} never prints the password.
 */
public record SmtpSettings(
        String host,
        int port,
        SmtpSecurity security,
        String username,
        String password,
        long timeoutMs,
        String fromAddress,
        String fromName) implements Serializable {

    public static SmtpSettings from(MailflowConfig c) {
        return new SmtpSettings(
                c.get(MailflowOptions.SMTP_HOST),
                c.get(MailflowOptions.SMTP_PORT),
                c.get(MailflowOptions.SMTP_SECURITY),
                c.get(MailflowOptions.SMTP_USERNAME),
                c.smtpPassword(),
                c.get(MailflowOptions.SMTP_TIMEOUT).toMillis(),
                c.get(MailflowOptions.FROM_ADDRESS),
                c.get(MailflowOptions.FROM_NAME));
    }

    public boolean authenticated() {
        return username != null && !username.isEmpty();
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", security=" + security + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "<unset>" : "<set>") + ", timeoutMs=" + timeoutMs + "]";
    }
}
