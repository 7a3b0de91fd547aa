package io.mailflow.delivery;

import io.mailflow.model.RenderedEmail;

/** Rendered e-mails for the delivery tests. */
final class Emails {
    private Emails() {}

    static RenderedEmail to(String requestId, String userId, String address) {
        return new RenderedEmail(
                requestId,
                "<" + requestId + "@shop.test>",
                "c1",
                "default",
                userId,
                address,
                "Ann",
                "Your cart",
                "<p>Hello</p>",
                "Hello",
                "<mailto:unsubscribe@shop.test>",
                0L);
    }

    static SmtpSettings smtp(int port) {
        return new SmtpSettings("127.0.0.1", port, SmtpSecurity.NONE, "", "", 5_000, "shop@shop.test", "Shop");
    }
}
