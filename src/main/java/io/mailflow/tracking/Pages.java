package io.mailflow.tracking;

import io.mailflow.email.HtmlEscaper;
import java.util.Locale;
import java.util.Map;

/**
 * The few HTML pages the service shows a person, in English and Simplified Chinese: the unsubscribe confirmation
 * (whose button POSTs: a GET never unsubscribes, so link scanners that fetch every URL of a message cannot
 * unsubscribe anyone), the confirmation that it was done, and the plain error page of a bad link. No scripts, no
 * external resources; the pages carry no ids, tokens or addresses except the token inside the form's action.
 */
final class Pages {
    /** The page languages; {@link #of} picks one from {@code ?lang=} or {@code Accept-Language}. */
    enum Lang {
        EN("en"),
        ZH_CN("zh-CN");

        final String tag;

        Lang(String tag) {
            this.tag = tag;
        }

        static Lang of(String langParam, String acceptLanguage) {
            String pick = langParam != null ? langParam : acceptLanguage;
            if (pick == null) {
                return EN;
            }
            String first = pick.split(",", 2)[0].strip().toLowerCase(Locale.ROOT);
            return first.startsWith("zh") ? ZH_CN : EN;
        }
    }

    private static final Map<String, String[]> TEXT = Map.of(
            "confirm.title", new String[] {"Unsubscribe", "退订"},
            "confirm.body", new String[] {"Do you want to stop receiving these e-mails?", "您确定不再接收这些邮件吗？"},
            "confirm.button", new String[] {"Unsubscribe", "确认退订"},
            "done.title", new String[] {"You are unsubscribed", "您已退订"},
            "done.body",
                    new String[] {
                        "You will not receive these e-mails any more. It can take a few minutes to take effect.",
                        "您将不再收到这些邮件。退订可能需要几分钟才能生效。"
                    },
            "error.title", new String[] {"This link does not work", "此链接无效"},
            "error.body",
                    new String[] {"The link is damaged or no longer valid. Nothing was done.", "此链接已损坏或已失效，未执行任何操作。"},
            "expired.body", new String[] {"This link has expired. Nothing was done.", "此链接已过期，未执行任何操作。"});

    private Pages() {}

    static String confirm(Lang lang, String token) {
        String action = "unsubscribe?t=" + HtmlEscaper.escape(token) + "&amp;lang=" + lang.tag;
        return page(
                lang,
                t("confirm.title", lang),
                "<p>" + t("confirm.body", lang) + "</p>\n<form method=\"post\" action=\"" + action + "\">"
                        + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        + "<button type=\"submit\">" + t("confirm.button", lang) + "</button></form>");
    }

    static String done(Lang lang) {
        return page(lang, t("done.title", lang), "<p>" + t("done.body", lang) + "</p>");
    }

    static String error(Lang lang, boolean expired) {
        return page(lang, t("error.title", lang), "<p>" + t(expired ? "expired.body" : "error.body", lang) + "</p>");
    }

    private static String t(String key, Lang lang) {
        return TEXT.get(key)[lang.ordinal()];
    }

    private static String page(Lang lang, String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"" + lang.tag + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + title + "</title>"
                + "<style>body{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em}"
                + "button{font-size:1.1em;padding:.5em 1.5em}</style></head>\n<body><h1>" + title + "</h1>\n"
                + body + "\n</body></html>\n";
    }
}
