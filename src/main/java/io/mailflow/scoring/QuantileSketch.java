package io.mailflow.scoring;

import java.util.Arrays;

/**
 * A deterministic streaming quantile sketch of bounded size: a stack of compactors (Manku-Rajagopalan-Lindsay,
 * the deterministic ancestor of KLL). Level {@code h} holds up to {@code capacity} values, each standing for
 * {@code 2^h} inputs. When a level fills up it is sorted and every other value (starting at position 0 and 1 in
 * turn, so that the errors of consecutive compactions tend to cancel) moves one level up with twice the weight.
 *
 * <p>Guarantees. The total weight equals the number of values added, exactly. A compaction at level {@code h}
 * changes the estimated rank of any {@code x} by at most {@code 2^h}, so {@code |rank(x) - true rank| <=}
 * {@link #rankErrorBound()} {@code = sum_h compactions_h 2^h}, which is at most {@code count * levels / capacity}
 * (about {@code count log2(count / capacity) / capacity}). Memory is at most {@code capacity * }{@link
 * #MAX_LEVELS} doubles, reached only after more than {@code capacity * 2^47} values.
 *
 * <p>Non-finite values are refused ({@link #add} returns false) and never stored. Deterministic: the same
 * input sequence gives the same sketch. Not thread-safe.
 */
public final class QuantileSketch {
    /** Levels available; the last one is never compacted (unreachable for any realistic count). */
    public static final int MAX_LEVELS = 48;

    private final int capacity;
    private final double[][] buffers = new double[MAX_LEVELS][];
    private final int[] sizes = new int[MAX_LEVELS];
    private final long[] compactions = new long[MAX_LEVELS];
    private long count;

    /** @param capacity values per level, even and at least 8; rank error shrinks as {@code 1 / capacity} */
    public QuantileSketch(int capacity) {
        if (capacity < 8 || capacity % 2 != 0) {
            throw new IllegalArgumentException("capacity must be even and >= 8, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a value; returns false (and changes nothing) for NaN or an infinity. */
    public boolean add(double value) {
        if (!Double.isFinite(value)) {
            return false;
        }
        insert(0, value == 0.0 ? 0.0 : value); // -0.0 and 0.0 are one value
        count++;
        return true;
    }

    private void insert(int level, double value) {
        if (buffers[level] == null) {
            buffers[level] = new double[capacity];
        }
        buffers[level][sizes[level]++] = value;
        if (sizes[level] == capacity && level < MAX_LEVELS - 1) {
            compact(level);
        } else if (sizes[level] == capacity) {
            buffers[level] = Arrays.copyOf(buffers[level], capacity * 2); // never reached in practice
        }
    }

    private void compact(int level) {
        double[] buffer = buffers[level];
        Arrays.sort(buffer, 0, capacity);
        int offset = (int) (compactions[level] & 1);
        double[] kept = new double[capacity / 2];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = buffer[offset + 2 * i];
        }
        sizes[level] = 0;
        compactions[level]++;
        for (double v : kept) {
            insert(level + 1, v);
        }
    }

    /** Number of values added. */
    public long count() {
        return count;
    }

    public int capacity() {
        return capacity;
    }

    /** Estimated number of values {@code <= x}. */
    public long rank(double x) {
        long rank = 0;
        for (int h = 0; h < MAX_LEVELS; h++) {
            for (int i = 0; i < sizes[h]; i++) {
                if (buffers[h][i] <= x) {
                    rank += 1L << h;
                }
            }
        }
        return rank;
    }

    /** Proven bound on {@code |rank(x) - true rank of x|} for every {@code x}. */
    public long rankErrorBound() {
        long bound = 0;
        for (int h = 0; h < MAX_LEVELS; h++) {
            bound += compactions[h] << h;
        }
        return bound;
    }

    /**
     * The smallest retained value whose estimated rank reaches {@code q * count} ({@code q} clamped to [0, 1]);
     * NaN while the sketch is empty.
     */
    public double quantile(double q) {
        double[] qs = quantiles(new double[] {q});
        return qs[0];
    }

    /** {@link #quantile} for several fractions at once (one sort). */
    public double[] quantiles(double[] fractions) {
        double[] out = new double[fractions.length];
        if (count == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        int retained = 0;
        for (int h = 0; h < MAX_LEVELS; h++) {
            retained += sizes[h];
        }
        double[] values = new double[retained];
        long[] weights = new long[retained];
        Integer[] order = new Integer[retained];
        int k = 0;
        for (int h = 0; h < MAX_LEVELS; h++) {
            for (int i = 0; i < sizes[h]; i++) {
                values[k] = buffers[h][i];
                weights[k] = 1L << h;
                order[k] = k;
                k++;
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        for (int j = 0; j < fractions.length; j++) {
            double q = Double.isNaN(fractions[j]) ? 0.5 : Math.max(0, Math.min(1, fractions[j]));
            double target = Math.max(1, Math.ceil(q * count));
            long cumulative = 0;
            double answer = values[order[retained - 1]];
            for (Integer idx : order) {
                cumulative += weights[idx];
                if (cumulative >= target) {
                    answer = values[idx];
                    break;
                }
            }
            out[j] = answer;
        }
        return out;
    }

    /** Everything needed to continue exactly where this sketch stopped. */
    public QuantileSketchState state() {
        int levels = 0;
        for (int h = 0; h < MAX_LEVELS; h++) {
            if (buffers[h] != null) {
                levels = h + 1;
            }
        }
        double[][] retained = new double[levels][];
        for (int h = 0; h < levels; h++) {
            retained[h] = buffers[h] == null ? new double[0] : Arrays.copyOf(buffers[h], sizes[h]);
        }
        return new QuantileSketchState(capacity, count, retained, Arrays.copyOf(compactions, levels));
    }

    /** The sketch of a {@link #state()}; rejects inconsistent or non-finite states. */
    public static QuantileSketch restore(QuantileSketchState state) {
        QuantileSketch s = new QuantileSketch(state.capacity());
        if (state.levels().length > MAX_LEVELS || state.compactions().length != state.levels().length) {
            throw new IllegalArgumentException("inconsistent sketch state");
        }
        long weight = 0;
        for (int h = 0; h < state.levels().length; h++) {
            double[] level = state.levels()[h];
            if (level.length >= state.capacity() && h < MAX_LEVELS - 1) {
                throw new IllegalArgumentException("level " + h + " over capacity");
            }
            s.buffers[h] = Arrays.copyOf(level, Math.max(state.capacity(), level.length + 1));
            s.sizes[h] = level.length;
            s.compactions[h] = state.compactions()[h];
            for (double v : level) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("non-finite value in sketch state");
                }
            }
            weight += (long) level.length << h;
        }
        if (weight != state.count()) {
            throw new IllegalArgumentException("sketch weight " + weight + " != count " + state.count());
        }
        s.count = state.count();
        return s;
    }
}
