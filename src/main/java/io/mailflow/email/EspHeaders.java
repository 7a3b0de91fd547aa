package io.mailflow.email;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import io.mailflow.model.RenderedEmail;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The headers that carry Mailflow's ids through a mail provider, so that the provider's event webhook can tell
 * which request, message, campaign, variant and user an event is about (see {@code SendGridWebhook} and
 * {@code SesSnsWebhook} in the tracking service, which read them back):
 *
 * <ul>
 *   <li>SendGrid: {@code X-SMTPAPI: {"unique_args":{"mailflow_user":...}}}; SendGrid strips the header and copies
 *       every unique argument into each event of the message as a top-level field;
 *   <li>Amazon SES: {@code X-SES-MESSAGE-TAGS: mailflow_user=..., mailflow_campaign=...}, which SES copies into
 *       each event's {@code mail.tags}; tags are only published through a configuration set, so
 *       {@code X-SES-CONFIGURATION-SET} names one when configured.
 * </ul>
 *
 * Every value is bounded ({@link #MAX_VALUE} characters) and drawn from {@link #SAFE}, the intersection of what
 * SES accepts in a tag value and what needs no quoting in a header; a value outside it is left out rather than
 * rewritten (a rewritten id would map an event to a wrong e-mail). The recipient's address is never written:
 * values are ids only, and a value equal to the recipient's address is dropped as well. Flink-free.
 *
 * @param mode which providers' headers to write
 * @param sesConfigurationSet the SES configuration set to name, or empty for none
 */
public record EspHeaders(Mode mode, String sesConfigurationSet) implements Serializable {
    /** Which providers' headers to write. */
    public enum Mode {
        NONE,
        SENDGRID,
        SES,
        BOTH
    }

    public static final String SMTPAPI = "X-SMTPAPI";
    public static final String SES_TAGS = "X-SES-MESSAGE-TAGS";
    public static final String SES_CONFIGURATION_SET = "X-SES-CONFIGURATION-SET";

    /** The names of the ids, as SendGrid unique arguments and SES message tags. */
    public static final String USER = "mailflow_user";

    public static final String CAMPAIGN = "mailflow_campaign";
    public static final String REQUEST = "mailflow_request";
    public static final String MESSAGE = "mailflow_message";
    public static final String VARIANT = "mailflow_variant";

    /** Letters, digits and {@code _ . @ -}: SES's tag alphabet, safe unquoted in a header and in JSON. */
    public static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.@-]+");

    public static final int MAX_VALUE = 128;

    /** SES configuration set names: letters, digits, {@code _} and {@code -}, at most 64. */
    public static final Pattern CONFIGURATION_SET = Pattern.compile("[A-Za-z0-9_-]{0,64}");

    public EspHeaders {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        sesConfigurationSet = sesConfigurationSet == null ? "" : sesConfigurationSet;
        if (!CONFIGURATION_SET.matcher(sesConfigurationSet).matches()) {
            throw new IllegalArgumentException("an SES configuration set is 0-64 of A-Z a-z 0-9 _ -");
        }
    }

    /** No provider headers. */
    public static EspHeaders none() {
        return new EspHeaders(Mode.NONE, "");
    }

    /** The ids of an e-mail that are safe to write, by name, in a fixed order. */
    public static Map<String, String> ids(RenderedEmail e) {
        Map<String, String> out = new LinkedHashMap<>();
        String address = e.toAddress() == null ? "" : e.toAddress().toLowerCase(Locale.ROOT);
        put(out, USER, e.userId(), address);
        put(out, CAMPAIGN, e.campaignId(), address);
        put(out, REQUEST, e.requestId(), address);
        put(out, MESSAGE, stripBrackets(e.messageId()), address);
        put(out, VARIANT, e.variant(), address);
        return out;
    }

    /** The headers to add to the e-mail, by name; empty for {@link Mode#NONE}. */
    public Map<String, String> headers(RenderedEmail e) {
        Map<String, String> out = new LinkedHashMap<>();
        if (mode == Mode.NONE) {
            return out;
        }
        Map<String, String> ids = ids(e);
        if (mode == Mode.SENDGRID || mode == Mode.BOTH) {
            ObjectNode args = Json.mapper().createObjectNode();
            ids.forEach(args::put);
            ObjectNode root = Json.mapper().createObjectNode();
            root.set("unique_args", args);
            out.put(SMTPAPI, root.toString());
        }
        if (mode == Mode.SES || mode == Mode.BOTH) {
            StringBuilder tags = new StringBuilder();
            ids.forEach((k, v) -> tags.append(tags.isEmpty() ? "" : ", ")
                    .append(k)
                    .append('=')
                    .append(v));
            out.put(SES_TAGS, tags.toString());
            if (!sesConfigurationSet.isEmpty()) {
                out.put(SES_CONFIGURATION_SET, sesConfigurationSet);
            }
        }
        return out;
    }

    /** The value when it may be written: bounded, from {@link #SAFE}; else null. */
    public static String safe(String v) {
        return v != null && v.length() <= MAX_VALUE && SAFE.matcher(v).matches() ? v : null;
    }

    private static void put(Map<String, String> out, String name, String value, String address) {
        String v = safe(value);
        if (v != null && (address.isEmpty() || !v.toLowerCase(Locale.ROOT).equals(address))) {
            out.put(name, v);
        }
    }

    private static String stripBrackets(String messageId) {
        if (messageId != null && messageId.startsWith("<") && messageId.endsWith(">")) {
            return messageId.substring(1, messageId.length() - 1);
        }
        return messageId;
    }
}
