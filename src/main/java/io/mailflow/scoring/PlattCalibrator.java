package io.mailflow.scoring;

/**
 * Online Platt scaling: {@code P(y = 1) = sigmoid(a m + b)} over a model's margin {@code m}, with {@code a, b}
 * refitted (Newton's method on the log loss, a weak pull towards the identity {@code a = 1, b = 0}) on the last
 * {@code window} <em>progressive</em> margins, i.e. each example's margin from the model before it learned that
 * example. Those are out-of-sample margins, like the ones served: a model over many rare hashed crosses is
 * sharper on the examples it learned than on new ones, and this layer corrects that (the calibration layer of
 * McMahan et al. 2013, section 7, in its simplest parametric form).
 *
 * <p>Bounded memory (a ring buffer of {@code window} margins and labels); deterministic; non-finite margins are
 * clamped to [-{@value #MAX_MARGIN}, {@value #MAX_MARGIN}] (NaN: 0); the fit is kept only if finite, with
 * {@code a} in [{@value #MIN_SLOPE}, {@value #MAX_SLOPE}] and {@code |b| <= }{@value #MAX_MARGIN}. Until the
 * first fit (at least {@value #MIN_EXAMPLES} examples of both classes) it is the identity.
 */
public final class PlattCalibrator {
    static final double MAX_MARGIN = 35;
    static final double MIN_SLOPE = 0.05;
    static final double MAX_SLOPE = 20;
    static final int MIN_EXAMPLES = 50;
    private static final double PRIOR = 1e-3;

    private final double[] margins;
    private final double[] labels;
    private int next;
    private int size;
    private double a = 1;
    private double b = 0;

    public PlattCalibrator(int window) {
        if (window < MIN_EXAMPLES) {
            throw new IllegalArgumentException("window must be at least " + MIN_EXAMPLES);
        }
        margins = new double[window];
        labels = new double[window];
    }

    /** Remembers one progressive margin and its 0/1 label (other labels are ignored). */
    public void add(double margin, double label) {
        if (!(label == 0.0 || label == 1.0)) {
            return;
        }
        margins[next] = clamp(margin);
        labels[next] = label;
        next = (next + 1) % margins.length;
        size = Math.min(size + 1, margins.length);
    }

    /** Refits {@code a, b} on the remembered margins; keeps the previous fit if this one is unusable. */
    public void refit() {
        int positives = 0;
        for (int i = 0; i < size; i++) {
            positives += (int) labels[i];
        }
        if (size < MIN_EXAMPLES || positives == 0 || positives == size) {
            return;
        }
        double fa = a;
        double fb = b;
        for (int iter = 0; iter < 50; iter++) {
            double ga = PRIOR * (fa - 1);
            double gb = PRIOR * fb;
            double haa = PRIOR;
            double hab = 0;
            double hbb = PRIOR;
            for (int i = 0; i < size; i++) {
                double m = margins[i];
                double p = BinnedFtrl.sigmoid(fa * m + fb);
                double r = p - labels[i];
                double h = Math.max(p * (1 - p), 1e-12);
                ga += r * m;
                gb += r;
                haa += h * m * m;
                hab += h * m;
                hbb += h;
            }
            double det = haa * hbb - hab * hab;
            if (!(det > 0) || !Double.isFinite(det)) {
                return;
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            // backtracking: a full Newton step can overshoot where the sigmoid saturates
            double current = loss(fa, fb);
            double step = 1;
            while (step > 1e-6 && !(loss(fa - step * da, fb - step * db) <= current)) {
                step /= 2;
            }
            if (step <= 1e-6) {
                break;
            }
            fa -= step * da;
            fb -= step * db;
            if (step * (Math.abs(da) + Math.abs(db)) < 1e-10) {
                break;
            }
        }
        if (Double.isFinite(fa) && Double.isFinite(fb)) {
            a = Math.max(MIN_SLOPE, Math.min(MAX_SLOPE, fa));
            b = Math.max(-MAX_MARGIN, Math.min(MAX_MARGIN, fb));
        }
    }

    /** Penalized log loss of {@code sigmoid(fa m + fb)} over the remembered margins. */
    private double loss(double fa, double fb) {
        double sum = 0.5 * PRIOR * ((fa - 1) * (fa - 1) + fb * fb);
        for (int i = 0; i < size; i++) {
            double t = fa * margins[i] + fb;
            // log(1 + e^t) - y t, computed without overflow
            sum += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))) - labels[i] * t;
        }
        return sum;
    }

    /** The calibrated probability of a margin, in [0, 1]. */
    public double probability(double margin) {
        return BinnedFtrl.sigmoid(a * clamp(margin) + b);
    }

    public double slope() {
        return a;
    }

    public double offset() {
        return b;
    }

    private static double clamp(double m) {
        return Double.isNaN(m) ? 0 : Math.max(-MAX_MARGIN, Math.min(MAX_MARGIN, m));
    }

    /** Everything needed to continue exactly where this calibrator stopped. */
    public PlattState state() {
        return new PlattState(margins.clone(), labels.clone(), next, size, a, b);
    }

    public static PlattCalibrator restore(PlattState s) {
        PlattCalibrator c = new PlattCalibrator(s.margins().length);
        if (s.labels().length != s.margins().length
                || s.next() < 0
                || s.next() >= s.margins().length
                || s.size() < 0
                || s.size() > s.margins().length
                || !(s.slope() >= MIN_SLOPE && s.slope() <= MAX_SLOPE)
                || !(Math.abs(s.offset()) <= MAX_MARGIN)) {
            throw new IllegalArgumentException("inconsistent calibrator state");
        }
        for (int i = 0; i < s.margins().length; i++) {
            if (!(Math.abs(s.margins()[i]) <= MAX_MARGIN) || !(s.labels()[i] == 0 || s.labels()[i] == 1)) {
                throw new IllegalArgumentException("invalid remembered margin or label at " + i);
            }
        }
        System.arraycopy(s.margins(), 0, c.margins, 0, c.margins.length);
        System.arraycopy(s.labels(), 0, c.labels, 0, c.labels.length);
        c.next = s.next();
        c.size = s.size();
        c.a = s.slope();
        c.b = s.offset();
        return c;
    }

    @Override
    public String toString() {
        return "PlattCalibrator[a=" + a + ", b=" + b + ", remembered=" + size + "/" + margins.length + "]";
    }
}
