package io.mailflow.privacy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * A non-negative rational number {@code num/den}, exact. The noise samplers take their parameters as
 * rationals so that no floating-point rounding enters a sampled distribution.
 */
public record Rational(BigInteger num, BigInteger den) {
    public Rational {
        if (den.signum() <= 0 || num.signum() < 0) {
            throw new IllegalArgumentException("a rational parameter must be >= 0 with a positive denominator");
        }
        BigInteger g = num.gcd(den);
        if (g.signum() > 0 && !g.equals(BigInteger.ONE)) {
            num = num.divide(g);
            den = den.divide(g);
        }
    }

    public static Rational of(long num, long den) {
        return new Rational(BigInteger.valueOf(num), BigInteger.valueOf(den));
    }

    /**
     * {@code x} rounded <em>up</em> to a multiple of {@code 1/den}: used for noise scales, so that rounding
     * only ever adds noise and the privacy guarantee computed from the unrounded value still holds.
     */
    public static Rational ceil(double x, long den) {
        if (!(x >= 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException("not a finite non-negative number: " + x);
        }
        BigDecimal scaled = new BigDecimal(x).multiply(BigDecimal.valueOf(den)).setScale(0, RoundingMode.CEILING);
        return new Rational(scaled.toBigIntegerExact(), BigInteger.valueOf(den));
    }

    public Rational times(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    public Rational dividedBy(Rational o) {
        return new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    public Rational minus(Rational o) {
        return new Rational(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
    }

    public BigInteger floor() {
        return num.divide(den);
    }

    /** The fractional part {@code this - floor(this)}. */
    public Rational fraction() {
        return new Rational(num.mod(den), den);
    }

    public boolean isZero() {
        return num.signum() == 0;
    }

    public double toDouble() {
        return new BigDecimal(num)
                .divide(new BigDecimal(den), java.math.MathContext.DECIMAL64)
                .doubleValue();
    }

    @Override
    public String toString() {
        return num + "/" + den;
    }
}
