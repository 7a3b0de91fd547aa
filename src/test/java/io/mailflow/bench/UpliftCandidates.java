package io.mailflow.bench;

import io.mailflow.bench.UpliftEvaluation.Customer;
import io.mailflow.bench.UpliftEvaluation.Estimate;
import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.scoring.BinnedFtrl;
import io.mailflow.scoring.BinnedFtrlSettings;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlState;
import io.mailflow.scoring.MixedFeatures;
import io.mailflow.scoring.SecondOrderLogistic;
import io.mailflow.scoring.SecondOrderState;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The uplift learners compared on a validation cut inside the training rows, before anything is looked at on the
 * test rows: the job's two-model learner on standardized inputs (linear arms), the same with the job's binned
 * learner as arms, and a transformed-outcome ("class transformation") model, one learner on the label {@code Z =
 * 1} if e-mailed and converted or held out and not converted, weighted by the inverse propensity of the arm, so
 * that {@code uplift = 2 P(Z = 1 | x) - 1}. Every candidate is declared here with the job's default parameters; none
 * is tuned.
 */
public final class UpliftCandidates {
    private UpliftCandidates() {}

    /** The candidates, in the order of the validation table. */
    public enum Candidate {
        LINEAR_TWO_MODEL("two-model, linear arms (job)"),
        BINNED_TWO_MODEL("two-model, binned arms"),
        LINEAR_TRANSFORMED("transformed outcome, linear"),
        BINNED_TRANSFORMED("transformed outcome, binned"),
        SECOND_ORDER_TWO_MODEL("two-model, second-order arms");

        public final String label;

        Candidate(String label) {
            this.label = label;
        }
    }

    /**
     * The job's binned learner settings (`ftrl.bins` 8, `ftrl.hash-bits` 16, `ftrl.binned-alpha` 0.05,
     * `ftrl.binned-l2` 1, `ftrl.calibration-window` 2048) over the evaluation's 11 numeric features.
     */
    public static BinnedFtrlSettings jobBinned(int features, int calibrationWindow) {
        return new BinnedFtrlSettings(features, 0, 8, 256, 1024, 16, true, 0.05, 1.0, 0.0, 1.0, calibrationWindow);
    }

    /**
     * The second-order arms with the Gaussian prior that is the job's L2 penalty ({@code ftrl.l2} 0.01, prior
     * variance 100), declared before any figure of it was seen; not tuned.
     */
    public static SecondOrderLogistic jobSecondOrder() {
        return new SecondOrderLogistic(1 / 0.01);
    }

    /** Trains {@code c} with one pass over {@code train} in order; returns the uplift scorer of raw features. */
    public static ToDoubleFunction<double[]> train(
            Candidate c, List<Customer> train, String campaign, boolean visit, double propensity) {
        int d = UpliftEvaluation.FEATURES.size();
        Ftrl ftrl = UpliftEvaluation.JOB_FTRL;
        StandardizerState standardizer = OnlineStandardizer.empty(d);
        double wT = 1 / (2 * propensity);
        double wC = 1 / (2 * (1 - propensity));
        switch (c) {
            case LINEAR_TWO_MODEL, LINEAR_TRANSFORMED -> {
                FtrlState t = FtrlState.initial(d);
                FtrlState k = FtrlState.initial(d);
                for (Customer x : train) {
                    standardizer = OnlineStandardizer.update(standardizer, x.x());
                    double[] z = OnlineStandardizer.standardize(standardizer, x.x());
                    boolean treated = UpliftEvaluation.treated(x, campaign);
                    double y = UpliftEvaluation.y(x, visit);
                    if (c == Candidate.LINEAR_TRANSFORMED) {
                        t = ftrl.update(t, z, treated ? y : 1 - y, treated ? wT : wC);
                    } else if (treated) {
                        t = ftrl.update(t, z, y, wT);
                    } else {
                        k = ftrl.update(k, z, y, wC);
                    }
                }
                StandardizerState s = standardizer;
                double[] wt = ftrl.weights(t);
                double[] wk = ftrl.weights(k);
                return c == Candidate.LINEAR_TRANSFORMED
                        ? x -> 2 * Ftrl.predict(wt, OnlineStandardizer.standardize(s, x)) - 1
                        : x -> Ftrl.predict(wt, OnlineStandardizer.standardize(s, x))
                                - Ftrl.predict(wk, OnlineStandardizer.standardize(s, x));
            }
            case BINNED_TWO_MODEL, BINNED_TRANSFORMED -> {
                // the transformed outcome's weights differ by arm, which the (unweighted) calibration layer would
                // ignore: that learner has none
                boolean transformed = c == Candidate.BINNED_TRANSFORMED;
                BinnedFtrl t = new BinnedFtrl(jobBinned(d, transformed ? 0 : 2048));
                BinnedFtrl k = new BinnedFtrl(jobBinned(d, 2048));
                for (Customer x : train) {
                    MixedFeatures m = new MixedFeatures(x.x(), new String[0]);
                    boolean treated = UpliftEvaluation.treated(x, campaign);
                    double y = UpliftEvaluation.y(x, visit);
                    if (transformed) {
                        t.learn(m, treated ? y : 1 - y, treated ? wT : wC);
                    } else if (treated) {
                        t.learn(m, y, wT);
                    } else {
                        k.learn(m, y, wC);
                    }
                }
                return transformed
                        ? x -> 2 * t.score(new MixedFeatures(x, new String[0])) - 1
                        : x -> t.score(new MixedFeatures(x, new String[0]))
                                - k.score(new MixedFeatures(x, new String[0]));
            }
            case SECOND_ORDER_TWO_MODEL -> {
                SecondOrderLogistic learner = jobSecondOrder();
                SecondOrderState t = learner.initial(d);
                SecondOrderState k = learner.initial(d);
                for (Customer x : train) {
                    standardizer = OnlineStandardizer.update(standardizer, x.x());
                    double[] z = OnlineStandardizer.standardize(standardizer, x.x());
                    if (UpliftEvaluation.treated(x, campaign)) {
                        t = learner.update(t, z, UpliftEvaluation.y(x, visit), wT);
                    } else {
                        k = learner.update(k, z, UpliftEvaluation.y(x, visit), wC);
                    }
                }
                StandardizerState s = standardizer;
                double[] wt = SecondOrderLogistic.weights(t);
                double[] wk = SecondOrderLogistic.weights(k);
                return x -> SecondOrderLogistic.predict(wt, OnlineStandardizer.standardize(s, x))
                        - SecondOrderLogistic.predict(wk, OnlineStandardizer.standardize(s, x));
            }
            default -> throw new IllegalArgumentException(c.name());
        }
    }

    /**
     * One validation cell: uplift@30 % of every candidate on the validation rows, and the paired bootstrap
     * difference of each candidate minus the job's learner.
     */
    public record Cell(String campaign, String outcome, int fold, Estimate[] upliftAt30, Estimate[] minusJob) {}

    /**
     * Two folds inside the training rows (even data rows): rows 0, 4, 8, ... train and 2, 6, 10, ... validate
     * (fold 0), and the reverse (fold 1). The test rows (odd) are not read.
     */
    public static Cell validate(
            List<Customer> all, String campaign, String outcome, int fold, int resamples, long seed) {
        boolean visit = outcome.equals("visit");
        List<Customer> arms = all.stream()
                .filter(c -> c.segment().equals(campaign) || c.segment().equals("No E-Mail"))
                .filter(c -> c.row() % 2 == 0)
                .toList();
        int trainRest = fold == 0 ? 0 : 2;
        List<Customer> fit = arms.stream().filter(c -> c.row() % 4 == trainRest).toList();
        List<Customer> val = arms.stream().filter(c -> c.row() % 4 != trainRest).toList();
        double propensity =
                fit.stream().filter(c -> UpliftEvaluation.treated(c, campaign)).count() / (double) fit.size();
        Candidate[] cs = Candidate.values();
        int n = val.size();
        boolean[] t = new boolean[n];
        double[] y = new double[n];
        double[] spend = new double[n];
        int[][] orders = new int[cs.length][];
        for (int m = 0; m < cs.length; m++) {
            ToDoubleFunction<double[]> f = train(cs[m], fit, campaign, visit, propensity);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = f.applyAsDouble(val.get(i).x());
            }
            orders[m] = UpliftEvaluation.order(s, seed);
        }
        for (int i = 0; i < n; i++) {
            t[i] = UpliftEvaluation.treated(val.get(i), campaign);
            y[i] = UpliftEvaluation.y(val.get(i), visit);
            spend[i] = val.get(i).spend();
        }
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        double[][] point = UpliftEvaluation.evaluateAll(orders, ones, t, y, spend);
        double[][][] boot = new double[resamples][][];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                counts[rng.nextInt(n)]++;
            }
            boot[b] = UpliftEvaluation.evaluateAll(orders, counts, t, y, spend);
        }
        Estimate[] at30 = new Estimate[cs.length];
        Estimate[] minus = new Estimate[cs.length];
        for (int m = 0; m < cs.length; m++) {
            int mm = m;
            at30[m] = UpliftEvaluation.estimate(point[m][1], boot, r -> r[mm][1]);
            minus[m] = UpliftEvaluation.estimate(point[m][1] - point[0][1], boot, r -> r[mm][1] - r[0][1]);
        }
        return new Cell(campaign, outcome, fold, at30, minus);
    }

    /**
     * The rule a candidate must pass on the validation cells to replace the job's learner (written after the
     * validation figures were first seen, before any candidate was scored on the test rows):
     * on visit uplift@30 % (the first target) it is ahead of the job's learner in the mean of the four
     * campaign-fold pairs and in at least three of them, and significantly behind in none. Conversions (about 20
     * per arm and fold) are reported, not used. Returns the chosen candidate (the job's learner if none passes).
     */
    public static Candidate choose(List<Cell> cells) {
        Candidate best = Candidate.LINEAR_TWO_MODEL;
        double bestMean = 0;
        for (Candidate c : Candidate.values()) {
            if (c == Candidate.LINEAR_TWO_MODEL) {
                continue;
            }
            double mean = meanDifference(cells, c, "visit");
            long ahead = cells.stream()
                    .filter(x -> x.outcome().equals("visit"))
                    .filter(x -> x.minusJob()[c.ordinal()].value() > 0)
                    .count();
            boolean significantlyBehind = cells.stream()
                    .filter(x -> x.outcome().equals("visit"))
                    .anyMatch(x -> x.minusJob()[c.ordinal()].high() < 0);
            if (mean > bestMean && ahead >= 3 && !significantlyBehind) {
                best = c;
                bestMean = mean;
            }
        }
        return best;
    }

    /** Mean over the campaign-fold pairs of (candidate - job's learner) uplift@30 % on {@code outcome}. */
    public static double meanDifference(List<Cell> cells, Candidate c, String outcome) {
        return cells.stream()
                .filter(x -> x.outcome().equals(outcome))
                .mapToDouble(x -> x.minusJob()[c.ordinal()].value())
                .average()
                .orElse(Double.NaN);
    }
}
