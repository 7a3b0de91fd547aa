package io.mailflow.scoring;

import java.util.Arrays;

/**
 * FTRL-Proximal logistic regression over quantile-binned numeric features, hashed categorical features and
 * hashed pairwise crosses: the standard recipe that lets a linear online learner compete with trees on
 * tabular data (McMahan et al., KDD 2013; the binning and crossing of the click-prediction literature).
 *
 * <p>Features of one example, all one-hot (value 1) in a fixed space of {@code 2^hashBits} coordinates:
 *
 * <ul>
 *   <li>numeric feature {@code i}: its quantile bin, {@code 0 .. bins-1}, from edges that a {@link
 *       QuantileSketch} per feature learns online; a NaN or infinite value goes to a dedicated bin {@code bins}
 *       ("missing"), never into the arithmetic;
 *   <li>categorical feature {@code j}: its string (null: "missing");
 *   <li>every pair of the above (or of the numeric ones only): the pair of tokens.
 * </ul>
 *
 * Each token is hashed (64-bit mixing of field, kind and value; collisions simply share a weight) to a
 * coordinate; the intercept is an extra coordinate exempt from L1/L2. Learning is FTRL-Proximal with
 * per-coordinate learning rates {@code alpha / (beta + sqrt(n_i))}, as {@link Ftrl}.
 *
 * <p>Bins are learned online: an example is binned with the edges known before it, then its values feed the
 * sketches; edges are recomputed after 1, 2, 4, ... examples up to {@code refreshEvery}, then every
 * {@code refreshEvery}, so they settle quickly and then move slowly. The edges are the {@code k / bins}
 * quantiles, {@code k = 1 .. bins-1}; a value goes to the number of edges strictly below it, so a heavy
 * atom (e.g. many zeros) gets its own low bin and the bin index stays a quantile position.
 *
 * <p>Calibration: a {@link PlattCalibrator} (if {@code calibrationWindow > 0}) maps the margin to the score,
 * refitted at every bin refresh on the last progressive margins (each example's margin before it was learned).
 *
 * <p>Poison-proof and bounded: an example with a label other than 0 or 1 or a weight that is not finite and
 * positive (or above {@link Ftrl#MAX_ABS_FEATURE}) changes nothing, an update whose result would not be
 * finite is dropped, scores are always in [0, 1]. Memory is fixed by the settings. Deterministic. Not
 * thread-safe: one instance per model.
 */
public final class BinnedFtrl {
    private static final long MISSING_CATEGORY = 0x9E3779B97F4A7C15L;

    private final BinnedFtrlSettings settings;
    private final int size;
    private final double[] z;
    private final double[] n;
    private final QuantileSketch[] sketches;
    private final double[][] edges;
    private PlattCalibrator calibration;
    private long examples;

    public BinnedFtrl(BinnedFtrlSettings settings) {
        this.settings = settings;
        this.size = 1 << settings.hashBits();
        this.z = new double[size + 1];
        this.n = new double[size + 1];
        this.sketches = new QuantileSketch[settings.numericFeatures()];
        this.edges = new double[settings.numericFeatures()][0];
        for (int i = 0; i < sketches.length; i++) {
            sketches[i] = new QuantileSketch(settings.sketchCapacity());
        }
        this.calibration = settings.calibrationWindow() == 0 ? null : new PlattCalibrator(settings.calibrationWindow());
    }

    public BinnedFtrlSettings settings() {
        return settings;
    }

    public long examples() {
        return examples;
    }

    /** P(label = 1) for these features, in [0, 1] (through the calibration layer, if any). */
    public double score(MixedFeatures x) {
        return probability(margin(coordinates(x)));
    }

    /** The raw margin {@code w . x + intercept} for these features, before any calibration. */
    public double margin(MixedFeatures x) {
        return margin(coordinates(x));
    }

    private double probability(double margin) {
        return calibration == null ? sigmoid(margin) : calibration.probability(margin);
    }

    /**
     * Learns one example (scoring it first with the current model); returns that score, i.e. the
     * progressive-validation score. An unlearnable example changes nothing and still gets its score.
     */
    public double learn(MixedFeatures x, double label, double weight) {
        int[] active = coordinates(x);
        double margin = margin(active);
        double served = probability(margin);
        double p = sigmoid(margin);
        if (!(label == 0.0 || label == 1.0)
                || !(weight > 0)
                || !(weight <= Ftrl.MAX_ABS_FEATURE)
                || !Double.isFinite(margin)) {
            return served;
        }
        // coordinates are sorted with duplicates (hash collisions inside one example) counted as x = multiplicity
        double[] newZ = new double[active.length];
        double[] newN = new double[active.length];
        int m = 0;
        int[] unique = new int[active.length];
        for (int k = 0; k < active.length; ) {
            int c = active[k];
            int multiplicity = 0;
            while (k < active.length && active[k] == c) {
                multiplicity++;
                k++;
            }
            double g = weight * (p - label) * multiplicity;
            double w = weight(c);
            double sigma = (Math.sqrt(n[c] + g * g) - Math.sqrt(n[c])) / settings.alpha();
            newZ[m] = z[c] + g - sigma * w;
            newN[m] = n[c] + g * g;
            if (!Double.isFinite(newZ[m]) || !Double.isFinite(newN[m])) {
                return served;
            }
            unique[m++] = c;
        }
        double g0 = weight * (p - label);
        double w0 = weight(size);
        double sigma0 = (Math.sqrt(n[size] + g0 * g0) - Math.sqrt(n[size])) / settings.alpha();
        double z0 = z[size] + g0 - sigma0 * w0;
        double n0 = n[size] + g0 * g0;
        if (!Double.isFinite(z0) || !Double.isFinite(n0)) {
            return served;
        }
        for (int k = 0; k < m; k++) {
            z[unique[k]] = newZ[k];
            n[unique[k]] = newN[k];
        }
        z[size] = z0;
        n[size] = n0;
        examples++;
        for (int i = 0; i < sketches.length; i++) {
            sketches[i].add(x.numeric()[i]);
        }
        if (calibration != null) {
            calibration.add(margin, label);
        }
        if (refreshDue(examples)) {
            refreshEdges();
            if (calibration != null) {
                calibration.refit();
            }
        }
        return served;
    }

    private boolean refreshDue(long count) {
        if (count <= settings.refreshEvery()) {
            return (count & (count - 1)) == 0 || count == settings.refreshEvery();
        }
        return count % settings.refreshEvery() == 0;
    }

    private void refreshEdges() {
        double[] fractions = new double[settings.bins() - 1];
        for (int k = 0; k < fractions.length; k++) {
            fractions[k] = (k + 1.0) / settings.bins();
        }
        for (int i = 0; i < sketches.length; i++) {
            if (sketches[i].count() > 0) {
                edges[i] = sketches[i].quantiles(fractions);
            }
        }
    }

    /** The bin of value {@code v} of numeric feature {@code i}: {@code 0 .. bins-1}, or {@code bins} if missing. */
    public int bin(int i, double v) {
        return bin(edges[i], settings.bins(), v);
    }

    /** The bin of {@code v} under {@code edges}: the number of edges strictly below it, or {@code bins} if missing. */
    static int bin(double[] e, int bins, double v) {
        if (!Double.isFinite(v)) {
            return bins;
        }
        int lo = 0;
        int hi = e.length; // number of edges strictly below v, by binary search
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (e[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The current bin edges of numeric feature {@code i} (a copy). */
    public double[] edges(int i) {
        return edges[i].clone();
    }

    /** The hashed coordinates active for {@code x}, sorted (duplicates kept); the intercept is implicit. */
    int[] coordinates(MixedFeatures x) {
        return coordinates(
                settings.numericFeatures(),
                settings.categoricalFeatures(),
                settings.bins(),
                settings.hashBits(),
                settings.crossCategorical(),
                edges,
                x);
    }

    /**
     * The hashed coordinates active for {@code x} under these bin edges and layout, sorted (duplicates kept);
     * the intercept is implicit. Shared by the learner and the published {@link BinnedModel}, so a served score
     * uses exactly the coordinates the learner trained.
     */
    static int[] coordinates(
            int numeric,
            int categorical,
            int bins,
            int hashBits,
            boolean crossCategorical,
            double[][] edges,
            MixedFeatures x) {
        int fields = numeric + categorical;
        if (x.numeric().length != numeric || x.categorical().length != categorical) {
            throw new IllegalArgumentException("expected " + numeric + " numeric and " + categorical
                    + " categorical features, got " + x.numeric().length + " and " + x.categorical().length);
        }
        long[] tokens = new long[fields];
        for (int i = 0; i < numeric; i++) {
            tokens[i] = mix(mix(0x51ED27L * (i + 1)) ^ bin(edges[i], bins, x.numeric()[i]));
        }
        for (int j = 0; j < categorical; j++) {
            String c = x.categorical()[j];
            long v = c == null ? MISSING_CATEGORY : stringHash(c);
            tokens[numeric + j] = mix(mix(0xC47E6L * (j + 1)) ^ v);
        }
        int crossFields = crossCategorical ? fields : numeric;
        int pairs = crossFields * (crossFields - 1) / 2;
        int[] out = new int[fields + pairs];
        int k = 0;
        for (long t : tokens) {
            out[k++] = index(t, hashBits);
        }
        for (int a = 0; a < crossFields; a++) {
            for (int b = a + 1; b < crossFields; b++) {
                out[k++] = index(mix(tokens[a] * 0xFF51AFD7ED558CCDL + Long.rotateLeft(tokens[b], 29)), hashBits);
            }
        }
        Arrays.sort(out);
        return out;
    }

    private static int index(long hash, int hashBits) {
        return (int) (hash >>> (64 - hashBits));
    }

    private double margin(int[] active) {
        double m = weight(size);
        for (int c : active) {
            m += weight(c);
        }
        return m;
    }

    private double weight(int c) {
        boolean intercept = c == size;
        double l1 = intercept ? 0 : settings.l1();
        double l2 = intercept ? 0 : settings.l2();
        double zc = z[c];
        if (Math.abs(zc) <= l1) {
            return 0;
        }
        return -(zc - Math.signum(zc) * l1) / ((settings.beta() + Math.sqrt(n[c])) / settings.alpha() + l2);
    }

    /** The current weight of every coordinate; the last one is the intercept. */
    public double[] weights() {
        double[] w = new double[size + 1];
        for (int c = 0; c <= size; c++) {
            w[c] = weight(c);
        }
        return w;
    }

    static double sigmoid(double margin) {
        if (Double.isNaN(margin)) {
            return 0.5;
        }
        return 1.0 / (1.0 + Math.exp(-Math.max(-700, Math.min(700, margin))));
    }

    /** 64-bit finalizer of MurmurHash3: a bijection that spreads every input bit over the output. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** FNV-1a over the UTF-16 code units, then mixed: stable across JVMs (unlike identity hashes). */
    static long stringHash(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return mix(h);
    }

    /**
     * The current model in its published form: the bin edges, the non-zero weights and the calibration layer,
     * everything a scorer needs and nothing it does not (no accumulators, no sketches).
     */
    public BinnedModel model() {
        int nonZero = 0;
        for (int c = 0; c < size; c++) {
            if (weight(c) != 0) {
                nonZero++;
            }
        }
        int[] indices = new int[nonZero];
        double[] weights = new double[nonZero];
        int k = 0;
        for (int c = 0; c < size; c++) {
            double w = weight(c);
            if (w != 0) {
                indices[k] = c;
                weights[k++] = w;
            }
        }
        double[][] e = new double[edges.length][];
        for (int i = 0; i < edges.length; i++) {
            e[i] = edges[i].clone();
        }
        boolean calibrated = calibration != null;
        return new BinnedModel(
                settings.numericFeatures(),
                settings.categoricalFeatures(),
                settings.bins(),
                settings.hashBits(),
                settings.crossCategorical(),
                e,
                indices,
                weights,
                weight(size),
                calibrated ? calibration.slope() : 1.0,
                calibrated ? calibration.offset() : 0.0);
    }

    /** Everything needed to continue exactly where this learner stopped (copies). */
    public BinnedFtrlState state() {
        QuantileSketchState[] s = new QuantileSketchState[sketches.length];
        double[][] e = new double[edges.length][];
        for (int i = 0; i < sketches.length; i++) {
            s[i] = sketches[i].state();
            e[i] = edges[i].clone();
        }
        return new BinnedFtrlState(
                examples, z.clone(), n.clone(), s, e, calibration == null ? null : calibration.state());
    }

    /**
     * The learner of {@code state} under {@code settings}; rejects a state of other dimensions or non-finite. A
     * state with fewer numeric features than the settings restores, the missing (appended) ones starting afresh.
     */
    public static BinnedFtrl restore(BinnedFtrlSettings settings, BinnedFtrlState state) {
        BinnedFtrl m = new BinnedFtrl(settings);
        if (state.z().length != m.z.length
                || state.n().length != m.n.length
                || state.sketches().length > m.sketches.length
                || state.edges().length != state.sketches().length) {
            throw new IllegalArgumentException("state does not match the settings' dimensions");
        }
        for (int c = 0; c < m.z.length; c++) {
            if (!Double.isFinite(state.z()[c]) || !(state.n()[c] >= 0) || !Double.isFinite(state.n()[c])) {
                throw new IllegalArgumentException("non-finite accumulator at coordinate " + c);
            }
        }
        System.arraycopy(state.z(), 0, m.z, 0, m.z.length);
        System.arraycopy(state.n(), 0, m.n, 0, m.n.length);
        // A state with fewer numeric features is one of a layout that has since appended features (issue 15's
        // extras after the 15 raw ones): a coordinate's hash depends on its feature's position and value only, so
        // every trained weight keeps its meaning, and the appended features start with fresh sketches and no edges.
        for (int i = 0; i < state.sketches().length; i++) {
            m.sketches[i] = QuantileSketch.restore(state.sketches()[i]);
            double[] e = state.edges()[i];
            if (e.length != 0 && e.length != settings.bins() - 1) {
                throw new IllegalArgumentException("feature " + i + " has " + e.length + " edges");
            }
            for (int k = 0; k < e.length; k++) {
                if (!Double.isFinite(e[k]) || (k > 0 && e[k] < e[k - 1])) {
                    throw new IllegalArgumentException("feature " + i + " has invalid edges");
                }
            }
            m.edges[i] = e.clone();
        }
        if ((state.calibration() == null) != (m.calibration == null)) {
            throw new IllegalArgumentException("calibration layer in the state does not match the settings");
        }
        if (state.calibration() != null) {
            if (state.calibration().margins().length != settings.calibrationWindow()) {
                throw new IllegalArgumentException("calibration window does not match the settings");
            }
            m.calibration = PlattCalibrator.restore(state.calibration());
        }
        m.examples = state.examples();
        return m;
    }
}
