package io.mailflow.privacy;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Exact samplers for the discrete Laplace and the discrete Gaussian distribution over the integers,
 * after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
 * Algorithms 1-3. Every parameter is a {@link Rational} and every random choice is a uniform integer
 * from a {@link SecureRandom}: no floating point, no logarithm, so the output distribution is exactly the
 * one the privacy proof assumes (floating-point Laplace noise, {@code -b*log(u)}, has gaps and biases
 * that can reveal the true value).
 *
 * <ul>
 *   <li>{@link #laplace(Rational)}: {@code P[X = x]} proportional to {@code exp(-|x|/t)}; adding it to an
 *       integer query of sensitivity {@code Δ} with {@code t = Δ/ε} gives {@code ε}-differential privacy.
 *   <li>{@link #gaussian(Rational)}: {@code P[X = x]} proportional to {@code exp(-x²/(2σ²))}; with
 *       sensitivity {@code Δ} it gives {@code Δ²/(2σ²)}-zero-concentrated differential privacy.
 * </ul>
 *
 * Running time is random (rejection sampling) but its distribution does not depend on anything secret
 * except through the sampled noise itself; not thread-safe (one instance per task).
 */
public final class ExactSampler {
    private static final Rational ONE = Rational.of(1, 1);
    private final SecureRandom random;

    public ExactSampler(SecureRandom random) {
        this.random = random;
    }

    /** Uniform on {@code {0, ..., n-1}}, by rejection from the next power of two. */
    BigInteger uniform(BigInteger n) {
        if (n.signum() <= 0) {
            throw new IllegalArgumentException("empty range");
        }
        int bits = n.subtract(BigInteger.ONE).bitLength();
        BigInteger u;
        do {
            u = new BigInteger(bits, random);
        } while (u.compareTo(n) >= 0);
        return u;
    }

    /** Bernoulli({@code p}) for a rational {@code p} in [0, 1]. */
    boolean bernoulli(Rational p) {
        return uniform(p.den()).compareTo(p.num()) < 0;
    }

    /** Bernoulli({@code exp(-gamma)}) for a rational {@code gamma >= 0} (Algorithm 1). */
    boolean bernoulliExp(Rational gamma) {
        BigInteger whole = gamma.floor();
        // exp(-gamma) = exp(-1)^floor(gamma) * exp(-frac(gamma)): each factor by the series below.
        for (BigInteger k = BigInteger.ZERO; k.compareTo(whole) < 0; k = k.add(BigInteger.ONE)) {
            if (!bernoulliExpAtMostOne(ONE)) {
                return false;
            }
        }
        return bernoulliExpAtMostOne(gamma.fraction());
    }

    /**
     * For {@code gamma} in [0, 1]: draw A_k ~ Bernoulli(gamma/k) for k = 1, 2, ... until the first 0; the
     * number of draws K is odd with probability exactly exp(-gamma).
     */
    private boolean bernoulliExpAtMostOne(Rational gamma) {
        long k = 1;
        while (bernoulli(gamma.dividedBy(Rational.of(k, 1)))) {
            k++;
        }
        return k % 2 == 1;
    }

    /** Discrete Laplace with scale {@code t > 0}: P[x] proportional to exp(-|x|/t) (Algorithm 2). */
    public long laplace(Rational scale) {
        if (scale.isZero()) {
            throw new IllegalArgumentException("the scale must be positive");
        }
        // scale = t/s with integers s, t >= 1: the paper's Lap_Z(t/s).
        BigInteger t = scale.num();
        BigInteger s = scale.den();
        while (true) {
            BigInteger u = uniform(t);
            if (!bernoulliExp(new Rational(u, t))) {
                continue;
            }
            BigInteger v = BigInteger.ZERO;
            while (bernoulliExpAtMostOne(ONE)) {
                v = v.add(BigInteger.ONE);
            }
            BigInteger x = u.add(t.multiply(v));
            BigInteger y = x.divide(s);
            boolean negative = random.nextBoolean();
            if (negative && y.signum() == 0) {
                continue;
            }
            return negative ? y.negate().longValueExact() : y.longValueExact();
        }
    }

    /** Discrete Gaussian with variance parameter {@code sigma2 > 0}: P[x] proportional to exp(-x²/(2σ²)) (Algorithm 3). */
    public long gaussian(Rational sigma2) {
        if (sigma2.isZero()) {
            throw new IllegalArgumentException("the variance must be positive");
        }
        // t = floor(sigma) + 1; floor(sqrt(a/b)) = isqrt(floor(a/b)).
        BigInteger t = sigma2.floor().sqrt().add(BigInteger.ONE);
        Rational tr = new Rational(t, BigInteger.ONE);
        Rational shift = sigma2.dividedBy(tr);
        Rational twoSigma2 = sigma2.times(Rational.of(2, 1));
        while (true) {
            long y = laplace(tr);
            Rational abs = Rational.of(Math.abs(y), 1);
            // (|y| - sigma2/t)^2 / (2 sigma2), with the difference taken as an absolute value.
            Rational d =
                    abs.num().multiply(shift.den()).compareTo(shift.num()) >= 0 ? abs.minus(shift) : shift.minus(abs);
            if (bernoulliExp(d.times(d).dividedBy(twoSigma2))) {
                return y;
            }
        }
    }
}
