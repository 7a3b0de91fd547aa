package io.mailflow.email;

/** Message-IDs derived from the request id, so a resend of the same request carries the same id. */
public final class MessageIds {
    private MessageIds() {}

    public static String of(String requestId, String fromAddress) {
        int at = fromAddress.indexOf('@');
        String domain = at >= 0 ? fromAddress.substring(at + 1) : "mailflow.local";
        return "<" + requestId + "@" + domain + ">";
    }
}
