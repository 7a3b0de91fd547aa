package io.mailflow.tools.demo;

/**
 * Draws values with fixed weights in O(log n) by binary search over the cumulative weights; used for
 * Zipf popularity over catalogs far too large for a linear scan per draw.
 */
final class CumulativeSampler {
    private final int[] values;
    private final double[] cumulative;

    /** @param values the values to draw; @param weights their non-negative weights, at least one positive */
    CumulativeSampler(int[] values, double[] weights) {
        if (values.length == 0 || values.length != weights.length) {
            throw new IllegalArgumentException("need as many weights as values, and at least one");
        }
        this.values = values.clone();
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
    }

    int sample(Rng rng) {
        double x = rng.uniform() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) { // first index whose cumulative weight exceeds x
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return values[lo];
    }
}
