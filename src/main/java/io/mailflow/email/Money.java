package io.mailflow.email;

import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/**
 * Prices as the recipient reads them: the JDK's CLDR currency formats for the recipient's locale and the
 * price's currency ({@code ¥1,299.00} for zh-CN and CNY, {@code $7.03} for en-US and USD, {@code 7,03 €} for
 * de-DE and EUR, no decimals for JPY). An unknown currency code falls back to the amount and the code.
 */
public final class Money {
    private Money() {}

    public static String format(double amount, String currency, String locale) {
        Locale l = locale == null || locale.isBlank() ? Locale.ENGLISH : Locale.forLanguageTag(locale);
        if (currency == null || currency.isBlank()) {
            NumberFormat n = NumberFormat.getNumberInstance(l);
            n.setMinimumFractionDigits(2);
            n.setMaximumFractionDigits(2);
            return n.format(amount);
        }
        Currency c;
        try {
            c = Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            return String.format(Locale.ROOT, "%.2f %s", amount, currency);
        }
        NumberFormat f = NumberFormat.getCurrencyInstance(l);
        f.setCurrency(c);
        f.setMinimumFractionDigits(c.getDefaultFractionDigits());
        f.setMaximumFractionDigits(c.getDefaultFractionDigits());
        return f.format(amount);
    }
}
