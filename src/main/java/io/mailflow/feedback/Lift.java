package io.mailflow.feedback;

/**
 * Lift of a variant's conversion rate over its holdout's, with a confidence interval. Flink-free.
 *
 * <p>With {@code p1 = x1/n1} (variant) and {@code p2 = x2/n2} (holdout), the lift is the difference
 * {@code d = p1 - p2}; its interval is Newcombe's hybrid score interval (method 10 of Newcombe 1998),
 * built from the Wilson score intervals {@code [l1, u1]} and {@code [l2, u2]} of the two proportions:
 *
 * <pre>
 * L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
 * U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
 * Wilson: (p + z^2/(2n) -+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)
 * </pre>
 *
 * Unlike the normal-approximation (Wald) interval it stays inside [-1, 1] and behaves with the small
 * counts and rates near zero that conversions usually have. {@code relative} is {@code d / p2}.
 *
 * @param variantRate p1
 * @param holdoutRate p2
 * @param absolute d = p1 - p2
 * @param low lower bound of the interval for d
 * @param high upper bound of the interval for d
 * @param relative d / p2, or NaN when p2 is 0
 */
public record Lift(double variantRate, double holdoutRate, double absolute, double low, double high, double relative) {
    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    /** The lift of x1/n1 over x2/n2 at 95% confidence, or null when either group is empty. */
    public static Lift of(long x1, long n1, long x2, long n2) {
        return of(x1, n1, x2, n2, Z95);
    }

    public static Lift of(long x1, long n1, long x2, long n2, double z) {
        if (n1 <= 0 || n2 <= 0) {
            return null;
        }
        double p1 = (double) x1 / n1;
        double p2 = (double) x2 / n2;
        double[] w1 = wilson(x1, n1, z);
        double[] w2 = wilson(x2, n2, z);
        double d = p1 - p2;
        double low = d - Math.sqrt(sq(p1 - w1[0]) + sq(w2[1] - p2));
        double high = d + Math.sqrt(sq(w1[1] - p1) + sq(p2 - w2[0]));
        return new Lift(p1, p2, d, low, high, p2 > 0 ? d / p2 : Double.NaN);
    }

    /** The Wilson score interval {low, high} of the proportion x/n. */
    public static double[] wilson(long x, long n, double z) {
        double p = (double) x / n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** True when the interval excludes zero: the difference is significant at the chosen level. */
    public boolean significant() {
        return low > 0 || high < 0;
    }

    private static double sq(double v) {
        return v * v;
    }
}
