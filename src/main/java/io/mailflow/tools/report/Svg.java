package io.mailflow.tools.report;

import io.mailflow.email.HtmlEscaper;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Minimal inline-SVG charts for the HTML report: no script, no fonts or styles fetched from anywhere,
 * so the file renders the same offline, in a mail client or in a headless browser.
 */
public final class Svg {
    /** A palette that stays distinguishable for common colour-vision deficiencies (Okabe-Ito). */
    static final String[] COLOURS = {
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"
    };

    private static final int W = 720;
    private static final int PAD_LEFT = 64;
    private static final int PAD_BOTTOM = 36;
    private static final int PAD_TOP = 16;
    private static final int PAD_RIGHT = 16;

    private Svg() {}

    /** One named series of values (y), aligned with the chart's x positions. */
    public record Series(String name, double[] values) {}

    /** Vertical columns per category, side by side (stacked=false) or stacked. */
    public static String columns(
            List<String> categories, List<Series> series, boolean stacked, DoubleFunction<String> yFormat) {
        int h = 260;
        double max = 0;
        for (int i = 0; i < categories.size(); i++) {
            double sum = 0;
            for (Series s : series) {
                sum = stacked ? sum + s.values()[i] : Math.max(sum, s.values()[i]);
            }
            max = Math.max(max, sum);
        }
        max = niceMax(max);
        StringBuilder sb = open(h);
        axes(sb, h, max, yFormat);
        double plotW = W - PAD_LEFT - PAD_RIGHT;
        double slot = plotW / Math.max(1, categories.size());
        double barW = stacked ? slot * 0.7 : slot * 0.8 / Math.max(1, series.size());
        int labelEvery = Math.max(1, (int) Math.ceil(categories.size() / 8.0));
        for (int i = 0; i < categories.size(); i++) {
            double x0 = PAD_LEFT + i * slot + slot * (stacked ? 0.15 : 0.1);
            double base = 0;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[i];
                double bh = y(0, h, max) - y(v, h, max);
                double x = stacked ? x0 : x0 + s * barW;
                double top = y(stacked ? base + v : v, h, max);
                if (stacked) {
                    base += v;
                }
                sb.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                        x,
                        top,
                        Math.max(1, barW - 1),
                        Math.max(0, bh),
                        COLOURS[s % COLOURS.length],
                        esc(categories.get(i)),
                        esc(series.get(s).name()),
                        yFormat.apply(v)));
            }
            if (i % labelEvery == 0) {
                sb.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                        PAD_LEFT + (i + 0.5) * slot,
                        h - PAD_BOTTOM + 16,
                        esc(categories.get(i))));
            }
        }
        return close(sb, series);
    }

    /** Lines over a shared numeric x axis. Points whose y is NaN are skipped. */
    public static String lines(
            double[] xs,
            List<Series> series,
            DoubleFunction<String> xFormat,
            DoubleFunction<String> yFormat,
            double yMin,
            double yMax) {
        int h = 260;
        StringBuilder sb = open(h);
        double lo = yMin;
        double hi = yMax;
        if (Double.isNaN(hi)) {
            hi = 0;
            for (Series s : series) {
                for (double v : s.values()) {
                    hi = Double.isNaN(v) ? hi : Math.max(hi, v);
                }
            }
            hi = niceMax(hi);
        }
        axesRange(sb, h, lo, hi, yFormat);
        double xMin = xs.length == 0 ? 0 : xs[0];
        double xMax = xs.length == 0 ? 1 : xs[xs.length - 1];
        double span = xMax > xMin ? xMax - xMin : 1;
        double plotW = W - PAD_LEFT - PAD_RIGHT;
        for (int s = 0; s < series.size(); s++) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                double v = series.get(s).values()[i];
                if (!Double.isNaN(v)) {
                    double x = PAD_LEFT + (xs[i] - xMin) / span * plotW;
                    double y = PAD_TOP + (1 - (v - lo) / (hi - lo)) * (h - PAD_TOP - PAD_BOTTOM);
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                }
            }
            sb.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
                    .append(COLOURS[s % COLOURS.length])
                    .append("\" points=\"")
                    .append(pts.toString().trim())
                    .append("\"/>");
        }
        for (int i = 0; i <= 5 && xs.length > 0; i++) {
            double xv = xMin + span * i / 5;
            sb.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"%s\">%s</text>",
                    PAD_LEFT + plotW * i / 5,
                    h - PAD_BOTTOM + 16,
                    i == 5 ? "end" : "middle",
                    esc(xFormat.apply(xv))));
        }
        return close(sb, series);
    }

    private static StringBuilder open(int h) {
        return new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                W,
                h + 24,
                W,
                h + 24));
    }

    private static String close(StringBuilder sb, List<Series> series) {
        int x = PAD_LEFT;
        for (int s = 0; s < series.size(); s++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>",
                    x,
                    262,
                    COLOURS[s % COLOURS.length],
                    x + 14,
                    271,
                    esc(series.get(s).name())));
            x += 24 + 7 * series.get(s).name().length();
        }
        return sb.append("</svg>").toString();
    }

    private static void axes(StringBuilder sb, int h, double max, DoubleFunction<String> yFormat) {
        axesRange(sb, h, 0, max, yFormat);
    }

    private static void axesRange(StringBuilder sb, int h, double lo, double hi, DoubleFunction<String> yFormat) {
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = PAD_TOP + (1 - (double) i / 4) * (h - PAD_TOP - PAD_BOTTOM);
            sb.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>",
                    PAD_LEFT,
                    W - PAD_RIGHT,
                    y,
                    y));
            sb.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
                    PAD_LEFT - 6,
                    y + 4,
                    esc(yFormat.apply(v))));
        }
    }

    private static double y(double v, int h, double max) {
        return PAD_TOP + (1 - v / max) * (h - PAD_TOP - PAD_BOTTOM);
    }

    /** The smallest of 1, 2, 2.5, 5 x 10^k that is at least {@code v} (at least 1). */
    static double niceMax(double v) {
        if (v <= 0 || Double.isNaN(v)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String esc(String s) {
        return HtmlEscaper.escape(s);
    }
}
