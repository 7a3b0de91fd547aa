package io.mailflow.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SecondOrderLogisticTest {
    private static final double PRIOR_VARIANCE = 100; // the job's ftrl.l2 0.01 as a Gaussian prior
    private static final SecondOrderLogistic LEARNER = new SecondOrderLogistic(PRIOR_VARIANCE);
    private static final double[] TRUE_WEIGHTS = {0.8, -0.5, 0.3, 0, 0.6, -2.0}; // last: intercept (about 15 %)

    /** A small dense stream like the uplift arms': correlated standardized features, a rare-ish outcome. */
    record Data(double[][] x, double[] y, double[] weight) {
        static Data of(int n, long seed, boolean weighted) {
            SplittableRandom rng = new SplittableRandom(seed);
            int d = TRUE_WEIGHTS.length - 1;
            double[][] x = new double[n][d];
            double[] y = new double[n];
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                double common = rng.nextGaussian();
                for (int j = 0; j < d; j++) {
                    x[i][j] = j == 3 ? rng.nextInt(2) : 0.6 * common + 0.8 * rng.nextGaussian();
                }
                y[i] = rng.nextDouble() < Ftrl.predict(TRUE_WEIGHTS, x[i]) ? 1 : 0;
                w[i] = weighted ? new double[] {0.5, 1, 2}[rng.nextInt(3)] : 1;
            }
            return new Data(x, y, w);
        }
    }

    /**
     * The batch reference: the maximum a posteriori fit of the same prior (an L2 penalty of 1 / priorVariance on
     * every weight) by Newton's method (IRLS) to convergence, with the examples' weights.
     */
    static double[] batchNewton(Data data, double priorVariance) {
        int k = TRUE_WEIGHTS.length;
        double[] theta = new double[k];
        for (int iteration = 0; iteration < 50; iteration++) {
            double[] gradient = new double[k];
            double[][] hessian = new double[k][k];
            for (int j = 0; j < k; j++) {
                gradient[j] = theta[j] / priorVariance;
                hessian[j][j] = 1 / priorVariance;
            }
            for (int i = 0; i < data.y().length; i++) {
                double[] xi = withIntercept(data.x()[i]);
                double p = Ftrl.predict(theta, data.x()[i]);
                for (int a = 0; a < k; a++) {
                    gradient[a] += data.weight()[i] * (p - data.y()[i]) * xi[a];
                    for (int b = 0; b < k; b++) {
                        hessian[a][b] += data.weight()[i] * p * (1 - p) * xi[a] * xi[b];
                    }
                }
            }
            double[] step = DenseSolve.solve(hessian, gradient);
            double size = 0;
            for (int j = 0; j < k; j++) {
                theta[j] -= step[j];
                size = Math.max(size, Math.abs(step[j]));
            }
            if (size < 1e-12) {
                break;
            }
        }
        return theta;
    }

    static double[] withIntercept(double[] x) {
        double[] out = java.util.Arrays.copyOf(x, x.length + 1);
        out[x.length] = 1;
        return out;
    }

    static SecondOrderState onePass(SecondOrderLogistic learner, Data data) {
        SecondOrderState s = learner.initial(TRUE_WEIGHTS.length - 1);
        for (int i = 0; i < data.y().length; i++) {
            s = learner.update(s, data.x()[i], data.y()[i], data.weight()[i]);
        }
        return s;
    }

    static double maxProbabilityGap(double[] a, double[] b, Data at) {
        double gap = 0;
        for (double[] x : at.x()) {
            gap = Math.max(gap, Math.abs(Ftrl.predict(a, x) - Ftrl.predict(b, x)));
        }
        return gap;
    }

    /**
     * The point of the learner: after one pass over 5,000 examples (the size of an uplift arm on Hillstrom) it is
     * close to the batch fit of the same data, where one pass of the job's FTRL is not.
     */
    @Test
    void onePassLandsCloseToTheBatchNewtonFit() {
        Data train = Data.of(5_000, 1, true);
        Data probe = Data.of(2_000, 2, false);
        double[] batch = batchNewton(train, PRIOR_VARIANCE);
        double[] online = SecondOrderLogistic.weights(onePass(LEARNER, train));

        for (int j = 0; j < batch.length; j++) {
            assertThat(online[j]).as("weight " + j).isCloseTo(batch[j], within(0.03));
        }
        assertThat(maxProbabilityGap(online, batch, probe)).isLessThan(0.01);

        Ftrl ftrl = new Ftrl(0.1, 0.1, 0.001, 0.01); // the job's defaults
        FtrlState f = FtrlState.initial(TRUE_WEIGHTS.length - 1);
        for (int i = 0; i < train.y().length; i++) {
            f = ftrl.update(f, train.x()[i], train.y()[i], train.weight()[i]);
        }
        assertThat(maxProbabilityGap(ftrl.weights(f), batch, probe))
                .as("first-order one pass")
                .isGreaterThan(5 * maxProbabilityGap(online, batch, probe));
    }

    /** One update from the prior is the exact Laplace approximation of prior times one likelihood. */
    @Test
    void oneUpdateIsTheLaplaceApproximationOfPriorTimesLikelihood() {
        double[] x = {1.5, -0.5};
        double weight = 2;
        SecondOrderLogistic learner = new SecondOrderLogistic(4);
        SecondOrderState s = learner.update(learner.initial(2), x, 1, weight);
        double[] mean = s.mean();
        double[] xi = withIntercept(x);
        double p = Ftrl.predict(mean, x);
        // mode: the gradient of the log posterior vanishes at the new mean
        for (int j = 0; j < 3; j++) {
            assertThat(-mean[j] / 4 + weight * (1 - p) * xi[j]).isCloseTo(0, within(1e-12));
        }
        // covariance: the inverse of the log posterior's curvature at the mode
        double lambda = weight * p * (1 - p);
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double product = 0;
                for (int c = 0; c < 3; c++) {
                    double precision = (c == b ? 1 / 4.0 : 0) + lambda * xi[c] * xi[b];
                    product += s.covariance()[a * 3 + c] * precision;
                }
                assertThat(product).isCloseTo(a == b ? 1 : 0, within(1e-12));
            }
        }
        assertThat(s.examples()).isEqualTo(1);
        assertThat(s.covariance()[0 * 3 + 1]).isEqualTo(s.covariance()[1 * 3 + 0]);
    }

    @Test
    void theModeIsTheRootInsideItsBracket() {
        for (double y : new double[] {0, 1}) {
            for (double v : new double[] {1e-9, 0.1, 10, 1e12}) {
                double f = SecondOrderLogistic.mode(0.3, v, y, 1.5);
                double p = 1 / (1 + Math.exp(-f));
                // the root's equation, to within the solver's tolerance on f (1e-12 relative)
                assertThat((f - 0.3) + v * 1.5 * (p - y))
                        .as("y %s, v %s", y, v)
                        .isCloseTo(0, within(1e-9 * Math.max(1, v)));
                assertThat(y == 1 ? f >= 0.3 : f <= 0.3).isTrue();
            }
        }
    }

    @Test
    void sameStreamSameState() {
        Data data = Data.of(1_000, 3, true);
        SecondOrderState a = onePass(LEARNER, data);
        SecondOrderState b = onePass(new SecondOrderLogistic(PRIOR_VARIANCE), data);
        assertThat(a.mean()).containsExactly(b.mean());
        assertThat(a.covariance()).containsExactly(b.covariance());
        assertThat(a.examples()).isEqualTo(1_000);
    }

    @Test
    void badExamplesLeaveTheStateUnchanged() {
        SecondOrderState s = LEARNER.update(LEARNER.initial(2), new double[] {1, 0.5}, 1, 1);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 2e6}) {
            assertThat(LEARNER.update(s, new double[] {bad, 0.5}, 1, 1)).isSameAs(s);
        }
        for (double label : new double[] {0.5, -1, 2, Double.NaN}) {
            assertThat(LEARNER.update(s, new double[] {1, 0.5}, label, 1)).isSameAs(s);
        }
        for (double weight : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThat(LEARNER.update(s, new double[] {1, 0.5}, 1, weight)).isSameAs(s);
        }
        assertThatThrownBy(() -> LEARNER.update(s, new double[] {1}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SecondOrderLogistic.healthy(s)).isTrue();
    }

    @Test
    void anUnhealthyStateIsRecognised() {
        SecondOrderState s = LEARNER.update(LEARNER.initial(1), new double[] {1}, 1, 1);
        double[] nanMean = s.mean().clone();
        nanMean[0] = Double.NaN;
        double[] negativeDiagonal = s.covariance().clone();
        negativeDiagonal[3] = -1;
        double[] asymmetric = s.covariance().clone();
        asymmetric[1] += 1e-9;
        double[] infinite = s.covariance().clone();
        infinite[1] = infinite[2] = Double.POSITIVE_INFINITY;

        assertThat(SecondOrderLogistic.healthy(s)).isTrue();
        assertThat(SecondOrderLogistic.healthy(LEARNER.initial(11))).isTrue();
        assertThat(SecondOrderLogistic.healthy(new SecondOrderState(0, 1, nanMean, s.covariance())))
                .isFalse();
        assertThat(SecondOrderLogistic.healthy(new SecondOrderState(0, 1, s.mean(), negativeDiagonal)))
                .isFalse();
        assertThat(SecondOrderLogistic.healthy(new SecondOrderState(0, 1, s.mean(), asymmetric)))
                .isFalse();
        assertThat(SecondOrderLogistic.healthy(new SecondOrderState(0, 1, s.mean(), infinite)))
                .isFalse();
        assertThat(SecondOrderLogistic.healthy(new SecondOrderState(0, 1, s.mean(), new double[3])))
                .isFalse();
    }

    @Test
    void theModelIsThePosteriorMean() {
        SecondOrderState s = onePass(LEARNER, Data.of(500, 4, false));
        s = new SecondOrderState(7, s.examples(), s.mean(), s.covariance());
        LogRegModel m = SecondOrderLogistic.model(s);
        assertThat(m.version()).isEqualTo(7);
        assertThat(m.examples()).isEqualTo(500);
        assertThat(m.coefficients()).containsExactly(java.util.Arrays.copyOf(s.mean(), 5));
        assertThat(m.intercept()).isEqualTo(s.mean()[5]);
    }

    @Test
    void rejectsABadPrior() {
        for (double v : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new SecondOrderLogistic(v)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
