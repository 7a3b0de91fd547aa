package io.mailflow.bench;

import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.UpliftLearner;
import io.mailflow.scoring.UpliftModel;
import io.mailflow.scoring.UpliftState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import smile.classification.LogisticRegression;

/**
 * Offline evaluation of the online uplift learner ({@link UpliftLearner}) on the development half of the
 * Hillstrom e-mail experiment: uplift at 10/30/50 % targeted, Qini coefficient and incremental outcomes per
 * 1,000 e-mails, against e-mailing everyone, random targeting, a response model and a batch two-model
 * reference (Smile logistic regression), with paired bootstrap intervals. See docs/uplift-evaluation.md.
 */
public final class UpliftEvaluation {
    public static final String HILLSTROM = "hillstrom-email/hillstrom-dev.csv";
    /** The job's default FTRL parameters (ftrl.alpha, ftrl.beta, ftrl.l1, ftrl.l2): not tuned on this data. */
    public static final Ftrl JOB_FTRL = new Ftrl(0.1, 0.1, 0.001, 0.01);

    public static final double[] SHARES = {0.1, 0.3, 0.5};
    public static final String[] METHODS = {
        "online two-model (job)",
        "batch two-model (Smile)",
        "response model (online, e-mailed arm)",
        "diagnostic: online two-model, 5 passes",
        "before: online two-model on unstandardized inputs",
        "candidate: two-model, binned arms",
        "candidate: transformed outcome, linear",
        "candidate: transformed outcome, binned",
        "candidate: two-model, second-order arms"
    };

    /** The {@link UpliftCandidates.Candidate} of each method row from {@link #FIRST_CANDIDATE} on. */
    static final int FIRST_CANDIDATE = 5;

    /** Passes over the training rows of the convergence diagnostic (a check, not a job setting). */
    public static final int DIAGNOSTIC_PASSES = 5;

    private UpliftEvaluation() {}

    /** One customer of the file: features, arm and outcomes. */
    public record Customer(int row, String segment, double[] x, int visit, int conversion, double spend) {}

    /** An interval: point estimate and bootstrap percentiles. */
    public record Estimate(double value, double low, double high) {}

    /** Uplift at each share of {@link #SHARES}, the Qini coefficient, incremental outcome and spend per 1,000 e-mails at 30 %. */
    public record Metrics(Estimate[] upliftAt, Estimate qini, Estimate per1000At30, Estimate spendPer1000At30) {}

    /**
     * Figures of one campaign and outcome.
     *
     * @param everyone e-mail everyone: the average treatment effect (per e-mail)
     * @param everyoneSpend incremental spend per e-mail when e-mailing everyone
     * @param methods one per {@link #METHODS}
     * @param onlineMinusBatchAt30 paired difference of uplift@30 %
     * @param onlineMinusEveryoneAt30 paired difference: incremental outcome per e-mail, top 30 % minus everyone
     * @param candidateMinusOnlineAt30 per method from {@link #FIRST_CANDIDATE}: paired difference of uplift@30 %
     *     from the job's learner
     * @param candidateMinusEveryoneAt30 per method from {@link #FIRST_CANDIDATE}: as {@code
     *     onlineMinusEveryoneAt30}
     */
    public record Result(
            String campaign,
            String outcome,
            int trainTreated,
            int trainControl,
            int testTreated,
            int testControl,
            double testTreatedRate,
            double testControlRate,
            Estimate everyone,
            Estimate everyoneSpend,
            Metrics[] methods,
            Estimate onlineMinusBatchAt30,
            Estimate onlineMinusEveryoneAt30,
            double batchLambdaTreated,
            double batchLambdaControl,
            Estimate[] candidateMinusOnlineAt30,
            Estimate[] candidateMinusEveryoneAt30) {}

    /** Reads the file: data rows in file order (0-based), with the features of {@link #features}. */
    public static List<Customer> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = split(lines.get(0));
        List<Customer> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = split(lines.get(i));
            if (f.size() != header.size()) {
                throw new IOException("line " + (i + 1) + ": expected " + header.size() + " fields");
            }
            out.add(new Customer(
                    i - 1,
                    f.get(8),
                    features(f),
                    Integer.parseInt(f.get(9)),
                    Integer.parseInt(f.get(10)),
                    Double.parseDouble(f.get(11))));
        }
        return out;
    }

    /** Feature names, in the order of {@link #features}. */
    public static final List<String> FEATURES = List.of(
            "recency/12",
            "ln(1+history)/8",
            "mens",
            "womens",
            "newbie",
            "zip Urban",
            "zip Surburban",
            "zip Rural",
            "channel Phone",
            "channel Web",
            "channel Multichannel");

    static double[] features(List<String> f) {
        String zip = f.get(5);
        String channel = f.get(7);
        return new double[] {
            Double.parseDouble(f.get(0)) / 12.0,
            Math.log1p(Double.parseDouble(f.get(2))) / 8.0,
            Double.parseDouble(f.get(3)),
            Double.parseDouble(f.get(4)),
            Double.parseDouble(f.get(6)),
            zip.equals("Urban") ? 1 : 0,
            zip.equals("Surburban") ? 1 : 0,
            zip.equals("Rural") ? 1 : 0,
            channel.equals("Phone") ? 1 : 0,
            channel.equals("Web") ? 1 : 0,
            channel.equals("Multichannel") ? 1 : 0
        };
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * Evaluates one campaign ("Womens E-Mail" or "Mens E-Mail" against "No E-Mail") on one outcome
     * ("visit" or "conversion"). Even data rows train, odd rows test.
     */
    public static Result evaluate(List<Customer> all, String campaign, String outcome, int resamples, long seed) {
        List<Customer> arms = all.stream()
                .filter(c -> c.segment().equals(campaign) || c.segment().equals("No E-Mail"))
                .toList();
        List<Customer> train = arms.stream().filter(c -> c.row() % 2 == 0).toList();
        List<Customer> test = arms.stream().filter(c -> c.row() % 2 == 1).toList();
        boolean visit = outcome.equals("visit");
        int trainTreated =
                (int) train.stream().filter(c -> treated(c, campaign)).count();
        double propensity = (double) trainTreated / train.size();

        // Online: one pass over the training rows in file order, the job's learner and parameters, on the inputs
        // standardized as the job standardizes them (running mean and variance, updated with each example before
        // it is standardized, as FeatureFunction does; scoring uses the state at the end of training).
        UpliftLearner learner = new UpliftLearner(JOB_FTRL);
        UpliftState state = UpliftState.initial(FEATURES.size());
        UpliftState unstandardized = UpliftState.initial(FEATURES.size());
        StandardizerState standardizer = OnlineStandardizer.empty(FEATURES.size());
        for (Customer c : train) {
            standardizer = OnlineStandardizer.update(standardizer, c.x());
            state = learner.update(
                    state,
                    OnlineStandardizer.standardize(standardizer, c.x()),
                    treated(c, campaign),
                    propensity,
                    y(c, visit),
                    1);
            unstandardized = learner.update(unstandardized, c.x(), treated(c, campaign), propensity, y(c, visit), 1);
        }
        UpliftModel online = learner.model(UpliftLearner.nextVersion(state));
        UpliftModel before = learner.model(UpliftLearner.nextVersion(unstandardized));
        StandardizerState trained = standardizer;
        UpliftState repeated = state;
        for (int pass = 1; pass < DIAGNOSTIC_PASSES; pass++) {
            for (Customer c : train) {
                repeated = learner.update(
                        repeated,
                        OnlineStandardizer.standardize(trained, c.x()),
                        treated(c, campaign),
                        propensity,
                        y(c, visit),
                        1);
            }
        }
        UpliftModel diagnostic = learner.model(repeated);

        // Batch reference: Smile logistic regression per arm, L2 strength chosen on the arm's training rows.
        double[][] xt = train.stream()
                .filter(c -> treated(c, campaign))
                .map(Customer::x)
                .toArray(double[][]::new);
        int[] yt = train.stream()
                .filter(c -> treated(c, campaign))
                .mapToInt(c -> (int) y(c, visit))
                .toArray();
        double[][] xc = train.stream()
                .filter(c -> !treated(c, campaign))
                .map(Customer::x)
                .toArray(double[][]::new);
        int[] yc = train.stream()
                .filter(c -> !treated(c, campaign))
                .mapToInt(c -> (int) y(c, visit))
                .toArray();
        double lambdaT = PropensityEvaluation.chooseLambda(xt, yt);
        double lambdaC = PropensityEvaluation.chooseLambda(xc, yc);
        LogisticRegression batchT = LogisticRegression.fit(xt, yt, lambdaT, 1e-6, 1000);
        LogisticRegression batchC = LogisticRegression.fit(xc, yc, lambdaC, 1e-6, 1000);

        // The other candidates of the validation (UpliftCandidates), trained the same way on all training rows:
        // shown on the test rows after the choice was made on the validation cut, not used to make it.
        List<ToDoubleFunction<double[]>> candidates = new ArrayList<>();
        for (int m = FIRST_CANDIDATE; m < METHODS.length; m++) {
            UpliftCandidates.Candidate c = UpliftCandidates.Candidate.values()[m - FIRST_CANDIDATE + 1];
            candidates.add(UpliftCandidates.train(c, train, campaign, visit, propensity));
        }

        int n = test.size();
        boolean[] t = new boolean[n];
        double[] y = new double[n];
        double[] spend = new double[n];
        double[][] scores = new double[METHODS.length][n];
        for (int i = 0; i < n; i++) {
            Customer c = test.get(i);
            t[i] = treated(c, campaign);
            y[i] = y(c, visit);
            spend[i] = c.spend();
            double[] z = OnlineStandardizer.standardize(trained, c.x());
            scores[0][i] = online.uplift(z);
            scores[1][i] =
                    PropensityEvaluation.probability(batchT, c.x()) - PropensityEvaluation.probability(batchC, c.x());
            scores[2][i] = online.treatedProbability(z);
            scores[3][i] = diagnostic.uplift(z);
            scores[4][i] = before.uplift(c.x());
            for (int m = FIRST_CANDIDATE; m < METHODS.length; m++) {
                scores[m][i] = candidates.get(m - FIRST_CANDIDATE).applyAsDouble(c.x());
            }
        }
        int[][] orders = new int[METHODS.length][];
        for (int m = 0; m < METHODS.length; m++) {
            orders[m] = order(scores[m], seed);
        }

        // Point estimates (every count 1), then paired bootstrap resamples of the test customers.
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        double[][] point = evaluateAll(orders, ones, t, y, spend);
        double[][][] boot = new double[resamples][][];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                counts[rng.nextInt(n)]++;
            }
            boot[b] = evaluateAll(orders, counts, t, y, spend);
        }
        Metrics[] metrics = new Metrics[METHODS.length];
        for (int m = 0; m < METHODS.length; m++) {
            final int mm = m;
            Estimate[] at = new Estimate[SHARES.length];
            for (int k = 0; k < SHARES.length; k++) {
                final int kk = k;
                at[k] = estimate(point[m][k], boot, r -> r[mm][kk]);
            }
            int q = SHARES.length;
            metrics[m] = new Metrics(
                    at,
                    estimate(point[m][q], boot, r -> r[mm][q]),
                    estimate(1000 * point[m][1], boot, r -> 1000 * r[mm][1]),
                    estimate(1000 * point[m][q + 1], boot, r -> 1000 * r[mm][q + 1]));
        }
        int e = METHODS.length; // row of "everyone"
        Estimate everyone = estimate(point[e][0], boot, r -> r[e][0]);
        Estimate everyoneSpend = estimate(point[e][1], boot, r -> r[e][1]);
        Estimate onlineMinusBatch = estimate(point[0][1] - point[1][1], boot, r -> r[0][1] - r[1][1]);
        Estimate onlineMinusEveryone = estimate(point[0][1] - point[e][0], boot, r -> r[0][1] - r[e][0]);
        Estimate[] candidateMinusOnline = new Estimate[METHODS.length - FIRST_CANDIDATE];
        Estimate[] candidateMinusEveryone = new Estimate[METHODS.length - FIRST_CANDIDATE];
        for (int m = FIRST_CANDIDATE; m < METHODS.length; m++) {
            int mm = m;
            candidateMinusOnline[m - FIRST_CANDIDATE] =
                    estimate(point[m][1] - point[0][1], boot, r -> r[mm][1] - r[0][1]);
            candidateMinusEveryone[m - FIRST_CANDIDATE] =
                    estimate(point[m][1] - point[e][0], boot, r -> r[mm][1] - r[e][0]);
        }
        int testTreated = (int) IntStream.range(0, n).filter(i -> t[i]).count();
        double treatedRate =
                IntStream.range(0, n).filter(i -> t[i]).mapToDouble(i -> y[i]).sum() / testTreated;
        double controlRate =
                IntStream.range(0, n).filter(i -> !t[i]).mapToDouble(i -> y[i]).sum() / (n - testTreated);
        return new Result(
                campaign,
                outcome,
                trainTreated,
                train.size() - trainTreated,
                testTreated,
                n - testTreated,
                treatedRate,
                controlRate,
                everyone,
                everyoneSpend,
                metrics,
                onlineMinusBatch,
                onlineMinusEveryone,
                lambdaT,
                lambdaC,
                candidateMinusOnline,
                candidateMinusEveryone);
    }

    static boolean treated(Customer c, String campaign) {
        return c.segment().equals(campaign);
    }

    static double y(Customer c, boolean visit) {
        return visit ? c.visit() : c.conversion();
    }

    /** Indices by descending score; ties in a fixed pseudo-random order (seeded), not in file order. */
    static int[] order(double[] score, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[] tie = new double[score.length];
        for (int i = 0; i < tie.length; i++) {
            tie[i] = rng.nextDouble();
        }
        return IntStream.range(0, score.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingDouble(i -> tie[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * Rows 0..methods-1: per method [uplift at each share, Qini coefficient, spend uplift at 30 %]; last row:
     * e-mail everyone [uplift, spend uplift].
     */
    static double[][] evaluateAll(int[][] orders, int[] counts, boolean[] t, double[] y, double[] spend) {
        double[][] out = new double[orders.length + 1][];
        for (int m = 0; m < orders.length; m++) {
            Curve c = Curve.of(orders[m], counts, t, y, spend);
            double[] r = new double[SHARES.length + 2];
            for (int k = 0; k < SHARES.length; k++) {
                r[k] = c.upliftAt(SHARES[k]);
            }
            r[SHARES.length] = c.qiniCoefficient();
            r[SHARES.length + 1] = c.spendUpliftAt(0.3);
            out[m] = r;
        }
        Curve any = Curve.of(orders[0], counts, t, y, spend);
        out[orders.length] = new double[] {any.upliftAt(1.0), any.spendUpliftAt(1.0)};
        return out;
    }

    /** Cumulative counts of a ranking, weighted by bootstrap counts. */
    record Curve(double[] nT, double[] nC, double[] yT, double[] yC, double[] sT, double[] sC) {
        static Curve of(int[] order, int[] counts, boolean[] t, double[] y, double[] spend) {
            int n = order.length;
            double[] nT = new double[n + 1];
            double[] nC = new double[n + 1];
            double[] yT = new double[n + 1];
            double[] yC = new double[n + 1];
            double[] sT = new double[n + 1];
            double[] sC = new double[n + 1];
            for (int j = 0; j < n; j++) {
                int i = order[j];
                int c = counts[i];
                nT[j + 1] = nT[j] + (t[i] ? c : 0);
                nC[j + 1] = nC[j] + (t[i] ? 0 : c);
                yT[j + 1] = yT[j] + (t[i] ? c * y[i] : 0);
                yC[j + 1] = yC[j] + (t[i] ? 0 : c * y[i]);
                sT[j + 1] = sT[j] + (t[i] ? c * spend[i] : 0);
                sC[j + 1] = sC[j] + (t[i] ? 0 : c * spend[i]);
            }
            return new Curve(nT, nC, yT, yC, sT, sC);
        }

        /** The first prefix holding at least {@code share} of the (resampled) customers. */
        int cut(double share) {
            int n = nT.length - 1;
            double total = nT[n] + nC[n];
            double want = share * total - 1e-9;
            for (int j = 1; j <= n; j++) {
                if (nT[j] + nC[j] >= want) {
                    return j;
                }
            }
            return n;
        }

        /** Outcome rate of the e-mailed minus that of the held-out customers among the top {@code share}. */
        double upliftAt(double share) {
            int j = cut(share);
            return rate(yT[j], nT[j]) - rate(yC[j], nC[j]);
        }

        double spendUpliftAt(double share) {
            int j = cut(share);
            return rate(sT[j], nT[j]) - rate(sC[j], nC[j]);
        }

        /**
         * Qini curve {@code Q(f) = (Y_T(f) - Y_C(f) N_T(f) / N_C(f)) / N_T}, incremental outcomes among the top
         * share f per e-mailed customer of the whole test set, on a grid of 100 shares; the coefficient is its
         * area minus the area under random targeting's straight line to Q(1).
         */
        double qiniCoefficient() {
            int n = nT.length - 1;
            double[] q = new double[101];
            for (int g = 1; g <= 100; g++) {
                int j = cut(g / 100.0);
                q[g] = (yT[j] - (nC[j] > 0 ? yC[j] * nT[j] / nC[j] : 0)) / nT[n];
            }
            double area = 0;
            for (int g = 1; g <= 100; g++) {
                area += (q[g] + q[g - 1]) / 2 / 100;
            }
            return area - q[100] / 2;
        }

        static double rate(double sum, double count) {
            return count > 0 ? sum / count : 0;
        }
    }

    interface Stat {
        double of(double[][] resample);
    }

    static Estimate estimate(double value, double[][][] boot, Stat stat) {
        double[] v = new double[boot.length];
        for (int b = 0; b < boot.length; b++) {
            v[b] = stat.of(boot[b]);
        }
        Arrays.sort(v);
        if (v.length == 0) {
            return new Estimate(value, Double.NaN, Double.NaN);
        }
        return new Estimate(
                value, v[(int) Math.floor(0.025 * (v.length - 1))], v[(int) Math.ceil(0.975 * (v.length - 1))]);
    }

    static String fmt(Estimate e, double scale, int decimals) {
        String f = "%." + decimals + "f";
        return String.format(
                Locale.ROOT, f + " [" + f + ", " + f + "]", e.value() * scale, e.low() * scale, e.high() * scale);
    }

    /** The report (docs/uplift-evaluation.md). */
    public static String report(
            List<Result> results,
            List<UpliftCandidates.Cell> validation,
            List<UpliftConvergence.Distance> convergence,
            int resamples,
            long seed,
            String command) {
        StringBuilder b = new StringBuilder();
        b.append("# Uplift targeting on the Hillstrom e-mail experiment (development half)\n\n");
        b.append(
                "Generated by `io.mailflow.bench.UpliftEvaluation` (see [uplift.md](uplift.md) for the model and how to read this). ");
        b.append("Rerun:\n\n```bash\n").append(command).append("\n```\n\n");
        b.append(
                "Data: `hillstrom-email/hillstrom-dev.csv` (32,000 customers, the every-other-row half of the experiment). ");
        b.append("Per campaign, the customers e-mailed that campaign and those e-mailed nothing (\"No E-Mail\"); ");
        b.append("data rows 0, 2, 4, ... train, rows 1, 3, 5, ... test. Features: ")
                .append(String.join(", ", FEATURES))
                .append(
                        ". Online learner: `UpliftLearner` with the job's default FTRL parameters (alpha 0.1, beta 0.1, ")
                .append(
                        "l1 0.001, l2 0.01; not tuned on this data), one pass over the training rows in file order, the ")
                .append("training share of e-mailed customers as the assignment probability, on the features ")
                .append("standardized as the job standardizes its feature vectors (`OnlineStandardizer`: running mean ")
                .append("and variance, updated with each training row before it is standardized; test rows scored ")
                .append("with the state at the end of training). The row *before* is the same learner on the fixed ")
                .append("scalings above without standardization, as this report was first generated. Intervals: ")
                .append(resamples)
                .append(" paired bootstrap resamples of the test customers (seed ")
                .append(seed)
                .append("), 2.5 and 97.5 percentiles; the models are fixed, only the test set is resampled. ")
                .append("Methods: the job's learner after one pass (what a live campaign would have after this many ")
                .append(
                        "outcomes); Smile's logistic regression per arm, L2 strength chosen on the arm's training rows by ")
                .append(
                        "log loss; a response model (the online e-mailed arm alone, ranking by P(outcome | e-mailed)); and, ")
                .append("as a convergence diagnostic only, the same learner after ")
                .append(DIAGNOSTIC_PASSES)
                .append(" passes over the training rows (standardized with the end-of-training state; not a job ")
                .append("setting). The rows *candidate* are the other learners of the validation below, trained the ")
                .append("same way (one pass, all training rows): shown after the choice, not used to make it.\n\n");
        validationSection(b, validation, resamples, seed);
        convergenceSection(b, convergence);

        b.append("## Uplift at 10 / 30 / 50 % targeted and Qini coefficient\n\n");
        b.append("Uplift at k %: outcome rate of the e-mailed minus that of the held-out customers among the top k % ")
                .append("of the test set by score, in percentage points. E-mail everyone and random targeting (in ")
                .append("expectation) both give the average effect (column *everyone*) at every share, and a Qini ")
                .append("coefficient of 0. Qini coefficient: area between the Qini curve and random targeting's line, ")
                .append("in incremental outcomes per 1,000 e-mailed test customers (see uplift.md).\n\n");
        b.append(
                        "| campaign | outcome | train e-mailed / held out | test e-mailed / held out | test rate e-mailed / held out | ")
                .append(
                        "**everyone** (= random) | method | uplift@10 % | **uplift@30 %** | uplift@50 % | **Qini coefficient** |\n");
        b.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
        for (Result r : results) {
            for (int m = 0; m < METHODS.length; m++) {
                Metrics x = r.methods()[m];
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                        m == 0 ? r.campaign() : "",
                        m == 0 ? r.outcome() : "",
                        m == 0 ? String.format(Locale.ROOT, "%,d / %,d", r.trainTreated(), r.trainControl()) : "",
                        m == 0 ? String.format(Locale.ROOT, "%,d / %,d", r.testTreated(), r.testControl()) : "",
                        m == 0
                                ? String.format(
                                        Locale.ROOT,
                                        "%.2f %% / %.2f %%",
                                        100 * r.testTreatedRate(),
                                        100 * r.testControlRate())
                                : "",
                        m == 0 ? fmt(r.everyone(), 100, 2) : "",
                        METHODS[m],
                        fmt(x.upliftAt()[0], 100, 2),
                        fmt(x.upliftAt()[1], 100, 2),
                        fmt(x.upliftAt()[2], 100, 2),
                        fmt(x.qini(), 1000, 2)));
            }
        }

        b.append("\n## Per 1,000 e-mails: e-mailing the top 30 % against e-mailing everyone\n\n");
        b.append(
                        "Incremental outcomes (visits or conversions) and incremental spend (dollars) per 1,000 e-mails sent. ")
                .append(
                        "E-mailing the top 30 % sends 300 e-mails per 1,000 customers; e-mailing everyone sends 1,000. ")
                .append("The spend column ranks by the model of the row's outcome.\n\n");
        b.append(
                "| campaign | outcome | policy | incremental outcomes / 1,000 e-mails | incremental spend ($) / 1,000 e-mails |\n");
        b.append("|---|---|---|---:|---:|\n");
        for (Result r : results) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | e-mail everyone (and random targeting) | %s | %s |\n",
                    r.campaign(),
                    r.outcome(),
                    fmt(r.everyone(), 1000, 1),
                    fmt(r.everyoneSpend(), 1000, 0)));
            for (int m = 0; m < METHODS.length; m++) {
                b.append(String.format(
                        Locale.ROOT,
                        "| | | top 30 %% by %s | %s | %s |\n",
                        METHODS[m],
                        fmt(r.methods()[m].per1000At30(), 1, 1),
                        fmt(r.methods()[m].spendPer1000At30(), 1, 0)));
            }
        }

        b.append("\n## The issue's targets\n\n");
        b.append("| campaign | outcome | online uplift@30 % / batch uplift@30 % | online - batch uplift@30 % (pp) | ")
                .append(
                        ">= batch - 10 % (relative)? | online top 30 % - everyone, outcomes / 1,000 e-mails | above everyone? |\n");
        b.append("|---|---|---:|---:|---|---:|---|\n");
        for (Result r : results) {
            double online = r.methods()[0].upliftAt()[1].value();
            double batch = r.methods()[1].upliftAt()[1].value();
            boolean within = online >= batch - 0.1 * Math.abs(batch);
            Estimate gain = r.onlineMinusEveryoneAt30();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s | %s | %s | %s |\n",
                    r.campaign(),
                    r.outcome(),
                    batch > 0 ? String.format(Locale.ROOT, "%.2f", online / batch) : "n/a (batch <= 0)",
                    fmt(r.onlineMinusBatchAt30(), 100, 2),
                    verdict(within, r.onlineMinusBatchAt30(), -0.1 * Math.abs(batch)),
                    fmt(gain, 1000, 1),
                    verdict(gain.value() > 0, gain, 0)));
        }
        b.append("\n\"yes\" and \"no\" judge the point estimate; \"(not significant)\" means the 95 % interval ")
                .append("also holds the other answer.\n");

        b.append("\n## The candidates on the test rows, against the job's learner\n\n");
        b.append("After the choice above (made on the validation cut), for the record: each candidate's uplift@30 % ")
                .append("minus the job's learner's, and its top 30 % minus e-mailing everyone in outcomes per 1,000 ")
                .append("e-mails, paired over the same bootstrap resamples of the test rows.\n\n");
        b.append("| campaign | outcome | candidate | uplift@30 % minus the job's learner (pp) | ")
                .append("top 30 % - everyone, outcomes / 1,000 e-mails |\n");
        b.append("|---|---|---|---:|---:|\n");
        for (Result r : results) {
            for (int m = FIRST_CANDIDATE; m < METHODS.length; m++) {
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s | %s |\n",
                        m == FIRST_CANDIDATE ? r.campaign() : "",
                        m == FIRST_CANDIDATE ? r.outcome() : "",
                        METHODS[m].substring("candidate: ".length()),
                        signed(r.candidateMinusOnlineAt30()[m - FIRST_CANDIDATE]),
                        fmt(r.candidateMinusEveryoneAt30()[m - FIRST_CANDIDATE], 1000, 1)));
            }
        }
        return b.toString();
    }

    /** The validation inside the training rows that chose the learner ({@link UpliftCandidates}). */
    static void validationSection(StringBuilder b, List<UpliftCandidates.Cell> cells, int resamples, long seed) {
        UpliftCandidates.Candidate[] cs = UpliftCandidates.Candidate.values();
        UpliftCandidates.Candidate chosen = UpliftCandidates.choose(cells);
        b.append("## Choosing the learner: validation inside the training rows\n\n");
        b.append("Candidates (each with the job's default parameters, none tuned): ");
        for (int m = 0; m < cs.length; m++) {
            b.append(m == 0 ? "" : "; ").append(cs[m].label);
        }
        b.append(". *Binned arms*: `BinnedFtrl` with the job's propensity settings (`ftrl.bins` 8, `ftrl.hash-bits` ")
                .append("16, `ftrl.binned-alpha` 0.05, `ftrl.binned-l2` 1, `ftrl.calibration-window` 2048) on the raw ")
                .append("features, all pairs crossed. *Transformed outcome* (class transformation): one learner on ")
                .append("the label Z = 1 for an e-mailed customer who had the outcome or a held-out one who did not, ")
                .append("weighted 1 / (2e) e-mailed and 1 / (2(1 - e)) held out, uplift = 2 P(Z = 1 | x) - 1 (the ")
                .append("binned one without the calibration layer, which ignores weights). *Second-order arms*: each ")
                .append("arm `SecondOrderLogistic` (one-pass Bayesian logistic regression with a full covariance, an ")
                .append("exact one-dimensional Laplace step per example) with the prior N(0, 100 I), the job's L2 ")
                .append("penalty `ftrl.l2` 0.01, on the features standardized as for the job's learner, weighted ")
                .append("1 / (2e) and 1 / (2(1 - e)); added later, with the rule below unchanged and nothing tuned. ")
                .append("Folds: only the training ")
                .append("rows (even data rows); rows 0, 4, 8, ... fit and 2, 6, 10, ... validate (fold 0), and the ")
                .append("reverse (fold 1), about 2,650 customers per arm each; the test rows are not read. Intervals: ")
                .append(resamples)
                .append(" paired bootstrap resamples of the validation customers (seed ")
                .append(seed)
                .append(").\n\n");
        b.append(
                        "Rule (written after these validation figures were first seen, before any candidate was scored on the test rows): a candidate replaces the job's learner only if, on visit ")
                .append("uplift@30 %, it is ahead of it in the mean of the four campaign-fold pairs and in at least ")
                .append("three of them, and significantly behind in none. Conversions (about 20 per arm and fold) are ")
                .append("shown, not used.\n\n");
        b.append("| campaign | outcome | fold |");
        for (UpliftCandidates.Candidate c : cs) {
            b.append(" ").append(c.label).append(" |");
        }
        b.append("\n|---|---|---:|").append("---:|".repeat(cs.length)).append("\n");
        for (UpliftCandidates.Cell cell : cells) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d |", cell.campaign(), cell.outcome(), cell.fold()));
            for (int m = 0; m < cs.length; m++) {
                b.append(" ").append(fmt(cell.upliftAt30()[m], 100, 2));
                if (m > 0) {
                    b.append("; ").append(signed(cell.minusJob()[m]));
                }
                b.append(" |");
            }
            b.append("\n");
        }
        for (String outcome : List.of("visit", "conversion")) {
            b.append("| **mean difference** | ").append(outcome).append(" | | |");
            for (int m = 1; m < cs.length; m++) {
                b.append(String.format(
                        Locale.ROOT, " %+.2f |", 100 * UpliftCandidates.meanDifference(cells, cs[m], outcome)));
            }
            b.append("\n");
        }
        b.append("\nCells: uplift@30 % on the validation rows, percentage points [95 % CI]; after the semicolon the ")
                .append("paired difference from the job's learner. **Chosen: ")
                .append(chosen.label)
                .append("**")
                .append(
                        chosen == UpliftCandidates.Candidate.LINEAR_TWO_MODEL
                                ? " (no candidate passes the rule: the validation cannot tell them apart).\n\n"
                                : ".\n\n");
    }

    /** Distance of the one-pass learners from the batch fit they approximate, on the training rows. */
    static void convergenceSection(StringBuilder b, List<UpliftConvergence.Distance> rows) {
        b.append("## Convergence: distance from the batch fit on the training rows\n\n");
        b.append("Mean absolute difference of each learner's uplift score from that of the batch fit it ")
                .append("approximates, over the training customers, in percentage points: the maximum a posteriori ")
                .append("two-model fit of the same prior (N(0, 100 I), the job's `ftrl.l2` 0.01) and weights by ")
                .append("Newton's method, on the training rows standardized with the end-of-training statistics. ")
                .append("Only training rows are read. It measures convergence, not ranking quality.\n\n");
        b.append("| campaign | outcome | job's FTRL, one pass | job's FTRL, ")
                .append(DIAGNOSTIC_PASSES)
                .append(" passes (diagnostic) | second-order arms, one pass |\n");
        b.append("|---|---|---:|---:|---:|\n");
        for (UpliftConvergence.Distance r : rows) {
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %.2f | %.2f | %.2f |\n",
                    r.campaign(),
                    r.outcome(),
                    r.ftrlOnePass(),
                    r.ftrlPasses(),
                    r.secondOrder()));
        }
        b.append("\n");
    }

    private static String signed(Estimate e) {
        return String.format(Locale.ROOT, "%+.2f [%+.2f, %+.2f]", 100 * e.value(), 100 * e.low(), 100 * e.high());
    }

    private static String verdict(boolean pass, Estimate e, double threshold) {
        boolean conclusive = pass ? e.low() >= threshold : e.high() < threshold;
        return (pass ? "yes" : "**no**") + (conclusive ? "" : " (not significant)");
    }
}
