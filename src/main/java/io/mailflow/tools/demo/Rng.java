package io.mailflow.tools.demo;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded randomness with the few distributions the simulation needs. {@link SplittableRandom} has a
 * specified algorithm and the transforms use {@link StrictMath}, so a seed yields the same traffic on
 * every JVM and platform (the JDK's own {@code nextGaussian} and {@code nextExponential} may change
 * between releases).
 */
final class Rng {
    private final SplittableRandom random;

    Rng(long seed) {
        this(new SplittableRandom(seed));
    }

    private Rng(SplittableRandom random) {
        this.random = random;
    }

    /** An independent stream, so that one part of the simulation cannot perturb another's sequence. */
    Rng split() {
        return new Rng(random.split());
    }

    double uniform() {
        return random.nextDouble();
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    double exponential(double mean) {
        return -mean * StrictMath.log(1.0 - random.nextDouble());
    }

    /** Standard normal by Box-Muller; {@code 1 - u} keeps the logarithm's argument in (0, 1]. */
    double gaussian() {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Log-normal with the given median: right-skewed like prices and dwell times. */
    double logNormal(double median, double sigma) {
        return median * StrictMath.exp(sigma * gaussian());
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** An index drawn with probability proportional to its weight; weights must not all be zero. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                x -= weights[i];
                if (x < 0) {
                    return i;
                }
            }
        }
        return last; // rounding left a sliver: the last positive weight takes it
    }
}
