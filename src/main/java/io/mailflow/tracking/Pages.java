package io.mailflow.tracking;

import io.mailflow.email.HtmlEscaper;
import java.util.Locale;
import java.util.Map;

/**
 * The few HTML pages the service shows a person, in English and Simplified Chinese: the unsubscribe confirmation
 * (whose button POSTs: a GET never unsubscribes, so link scanners that fetch every URL of a message cannot
 * unsubscribe anyone), the preference page (campaign types, unsubscribe from all, subscribe again; also POST only),
 * the confirmations that it was done, and the plain error page of a bad link. No scripts, no
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
            "expired.body", new String[] {"This link has expired. Nothing was done.", "此链接已过期，未执行任何操作。"},
            "confirm.preferences", new String[] {"Or choose which e-mails you get", "或者选择您想收到的邮件"});

    /** The preference page's texts, apart from {@link #TEXT} only because Map.of takes ten entries. */
    private static final Map<String, String[]> PREFS = Map.ofEntries(
            Map.entry("prefs.title", new String[] {"Your e-mail preferences", "邮件偏好设置"}),
            Map.entry("prefs.body", new String[] {
                "Tick the e-mails you want to receive and save. Untick one to stop only those e-mails.",
                "请勾选您希望收到的邮件并保存。取消勾选即只停止该类邮件。"
            }),
            Map.entry("prefs.save", new String[] {"Save preferences", "保存设置"}),
            Map.entry("prefs.all", new String[] {"Unsubscribe from all", "退订全部邮件"}),
            Map.entry(
                    "prefs.resubscribe.body",
                    new String[] {"Unsubscribed from everything and changed your mind?", "已退订全部邮件，但改变了主意？"}),
            Map.entry("prefs.resubscribe", new String[] {"Subscribe again to all", "重新订阅全部邮件"}),
            Map.entry("saved.title", new String[] {"Your preferences are saved", "您的设置已保存"}),
            Map.entry("saved.body", new String[] {"It can take a few minutes to take effect.", "设置可能需要几分钟才能生效。"}),
            Map.entry("resubscribed.title", new String[] {"You are subscribed again", "您已重新订阅"}),
            Map.entry("expired.consent", new String[] {
                "This link has expired: it can still stop e-mails, but cannot subscribe you again (any"
                        + " unsubscribes you chose are saved). To subscribe again, use the link of a newer e-mail.",
                "此链接已过期：它仍可停止邮件，但不能为您重新订阅（您选择的退订已保存）。如需重新订阅，请使用较新邮件中的链接。"
            }));

    /** The campaign types' names on the page, by type (the job's trigger wire names). */
    private static final Map<String, String[]> TYPES = Map.of(
            "abandoned-cart", new String[] {"Items left in your cart", "购物车提醒"},
            "browse-abandonment", new String[] {"Items you looked at", "浏览商品提醒"},
            "win-back", new String[] {"We miss you", "久未光顾的问候"},
            "post-purchase", new String[] {"After your purchase", "购后推荐"},
            "segment-entry", new String[] {"Offers for shoppers like you", "为您这类顾客准备的优惠"},
            "score-threshold", new String[] {"Personal recommendations", "个性化推荐"});

    private Pages() {}

    static String confirm(Lang lang, String token) {
        String action = "unsubscribe?t=" + HtmlEscaper.escape(token) + "&amp;lang=" + lang.tag;
        return page(
                lang,
                t("confirm.title", lang),
                "<p>" + t("confirm.body", lang) + "</p>\n<form method=\"post\" action=\"" + action + "\">"
                        + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                        + "<button type=\"submit\">" + t("confirm.button", lang) + "</button></form>\n"
                        + "<p><a href=\"preferences?t=" + HtmlEscaper.escape(token) + "&amp;lang=" + lang.tag + "\">"
                        + t("confirm.preferences", lang) + "</a></p>");
    }

    /**
     * The preference page: one checkbox per campaign type (ticked: keep receiving it), a save button, an
     * unsubscribe-from-all button and a subscribe-again button; every button POSTs the same signed token.
     */
    static String preferences(Lang lang, String token, java.util.List<String> types) {
        String action = "preferences?t=" + HtmlEscaper.escape(token) + "&amp;lang=" + lang.tag;
        StringBuilder boxes = new StringBuilder();
        for (String type : types) {
            String id = "type-" + HtmlEscaper.escape(type);
            boxes.append("<p><label for=\"")
                    .append(id)
                    .append("\"><input type=\"checkbox\" id=\"")
                    .append(id)
                    .append("\" name=\"type\" value=\"")
                    .append(HtmlEscaper.escape(type))
                    .append("\" checked> ")
                    .append(HtmlEscaper.escape(typeName(type, lang)))
                    .append("</label></p>");
        }
        return page(
                lang,
                p("prefs.title", lang),
                "<p>" + p("prefs.body", lang) + "</p>\n<form method=\"post\" action=\"" + action + "\">" + boxes
                        + "<p><button type=\"submit\" name=\"action\" value=\"save\" id=\"save\">"
                        + p("prefs.save", lang) + "</button></p>"
                        + "<p><button type=\"submit\" name=\"action\" value=\"all\" id=\"unsubscribe-all\">"
                        + p("prefs.all", lang) + "</button></p></form>\n"
                        + "<form method=\"post\" action=\"" + action + "\"><p>" + p("prefs.resubscribe.body", lang)
                        + " <button type=\"submit\" name=\"action\" value=\"resubscribe\" id=\"resubscribe\">"
                        + p("prefs.resubscribe", lang) + "</button></p></form>");
    }

    static String saved(Lang lang) {
        return page(lang, p("saved.title", lang), "<p>" + p("saved.body", lang) + "</p>");
    }

    static String resubscribed(Lang lang) {
        return page(lang, p("resubscribed.title", lang), "<p>" + p("saved.body", lang) + "</p>");
    }

    /** An expired link may stop e-mails but not give consent to them again. */
    static String expiredConsent(Lang lang) {
        return page(lang, t("error.title", lang), "<p>" + p("expired.consent", lang) + "</p>");
    }

    static String typeName(String type, Lang lang) {
        String[] names = TYPES.get(type);
        return names == null ? type : names[lang.ordinal()];
    }

    private static String p(String key, Lang lang) {
        return PREFS.get(key)[lang.ordinal()];
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
