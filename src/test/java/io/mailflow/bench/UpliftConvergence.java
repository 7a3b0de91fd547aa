package io.mailflow.bench;

import io.mailflow.bench.UpliftEvaluation.Customer;
import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.SecondOrderLogistic;
import io.mailflow.scoring.SecondOrderState;
import io.mailflow.scoring.UpliftLearner;
import io.mailflow.scoring.UpliftModel;
import io.mailflow.scoring.UpliftState;
import java.util.Arrays;
import java.util.List;

/**
 * A convergence check on the training rows only (no validation or test row is read): how far each one-pass
 * learner's uplift scores are from those of the batch fit it approximates, the maximum a posteriori two-model
 * fit of the same prior (the job's L2 penalty {@code ftrl.l2} 0.01, prior variance 100) and the same weights by
 * Newton's method, on the same rows standardized with the end-of-training statistics. A learner that has
 * converged is close to it; this says nothing about which learner ranks better.
 */
public final class UpliftConvergence {
    private UpliftConvergence() {}

    /**
     * Mean absolute difference of the uplift score from the batch fit's over the training customers, percentage
     * points.
     */
    public record Distance(
            String campaign, String outcome, double ftrlOnePass, double ftrlPasses, double secondOrder) {}

    public static Distance measure(List<Customer> all, String campaign, String outcome) {
        boolean visit = outcome.equals("visit");
        List<Customer> train = all.stream()
                .filter(c -> c.segment().equals(campaign) || c.segment().equals("No E-Mail"))
                .filter(c -> c.row() % 2 == 0)
                .toList();
        int d = UpliftEvaluation.FEATURES.size();
        double e = train.stream()
                        .filter(c -> UpliftEvaluation.treated(c, campaign))
                        .count()
                / (double) train.size();
        double wT = 1 / (2 * e);
        double wC = 1 / (2 * (1 - e));
        UpliftLearner ftrl = new UpliftLearner(UpliftEvaluation.JOB_FTRL);
        SecondOrderLogistic second = UpliftCandidates.jobSecondOrder();
        UpliftState f = UpliftState.initial(d);
        SecondOrderState sT = second.initial(d);
        SecondOrderState sC = second.initial(d);
        StandardizerState standardizer = OnlineStandardizer.empty(d);
        for (Customer c : train) {
            standardizer = OnlineStandardizer.update(standardizer, c.x());
            double[] z = OnlineStandardizer.standardize(standardizer, c.x());
            boolean treated = UpliftEvaluation.treated(c, campaign);
            double y = UpliftEvaluation.y(c, visit);
            f = ftrl.update(f, z, treated, e, y, 1);
            if (treated) {
                sT = second.update(sT, z, y, wT);
            } else {
                sC = second.update(sC, z, y, wC);
            }
        }
        int n = train.size();
        double[][] z = new double[n][];
        double[] y = new double[n];
        double[] w = new double[n];
        boolean[] treated = new boolean[n];
        for (int i = 0; i < n; i++) {
            z[i] = OnlineStandardizer.standardize(standardizer, train.get(i).x());
            y[i] = UpliftEvaluation.y(train.get(i), visit);
            treated[i] = UpliftEvaluation.treated(train.get(i), campaign);
            w[i] = treated[i] ? wT : wC;
        }
        UpliftModel onePass = ftrl.model(f);
        UpliftState repeated = f;
        for (int pass = 1; pass < UpliftEvaluation.DIAGNOSTIC_PASSES; pass++) {
            for (int i = 0; i < n; i++) {
                repeated = ftrl.update(repeated, z[i], treated[i], e, y[i], 1);
            }
        }
        UpliftModel passes = ftrl.model(repeated);
        double[] batchT = batchNewton(z, y, w, treated, true, 1 / 0.01);
        double[] batchC = batchNewton(z, y, w, treated, false, 1 / 0.01);
        double[] secondT = SecondOrderLogistic.weights(sT);
        double[] secondC = SecondOrderLogistic.weights(sC);
        double dOne = 0;
        double dPasses = 0;
        double dSecond = 0;
        for (double[] x : z) {
            double batch = Ftrl.predict(batchT, x) - Ftrl.predict(batchC, x);
            dOne += Math.abs(onePass.uplift(x) - batch);
            dPasses += Math.abs(passes.uplift(x) - batch);
            dSecond += Math.abs(Ftrl.predict(secondT, x) - Ftrl.predict(secondC, x) - batch);
        }
        return new Distance(campaign, outcome, 100 * dOne / n, 100 * dPasses / n, 100 * dSecond / n);
    }

    /**
     * The maximum a posteriori logistic regression of one arm ({@code treated} rows where {@code treated[i] ==
     * arm}) under the prior N(0, priorVariance I) on every weight, intercept included: Newton's method (IRLS) to
     * convergence. Weights as returned by {@link Ftrl#weights} (the last one is the intercept).
     */
    static double[] batchNewton(
            double[][] z, double[] y, double[] w, boolean[] treated, boolean arm, double priorVariance) {
        int k = z[0].length + 1;
        double[] theta = new double[k];
        for (int iteration = 0; iteration < 100; iteration++) {
            double[] gradient = new double[k];
            double[][] hessian = new double[k][k];
            for (int j = 0; j < k; j++) {
                gradient[j] = theta[j] / priorVariance;
                hessian[j][j] = 1 / priorVariance;
            }
            for (int i = 0; i < z.length; i++) {
                if (treated[i] != arm) {
                    continue;
                }
                double[] xi = Arrays.copyOf(z[i], k);
                xi[k - 1] = 1;
                double p = Ftrl.predict(theta, z[i]);
                for (int a = 0; a < k; a++) {
                    gradient[a] += w[i] * (p - y[i]) * xi[a];
                    for (int b = 0; b < k; b++) {
                        hessian[a][b] += w[i] * p * (1 - p) * xi[a] * xi[b];
                    }
                }
            }
            double[] step = io.mailflow.scoring.DenseSolve.solve(hessian, gradient);
            double size = 0;
            for (int j = 0; j < k; j++) {
                theta[j] -= step[j];
                size = Math.max(size, Math.abs(step[j]));
            }
            if (size < 1e-10) {
                break;
            }
        }
        return theta;
    }
}
