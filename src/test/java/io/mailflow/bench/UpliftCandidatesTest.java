package io.mailflow.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mailflow.bench.UpliftCandidates.Candidate;
import io.mailflow.bench.UpliftEvaluation.Customer;
import io.mailflow.features.OnlineStandardizer;
import io.mailflow.features.StandardizerState;
import io.mailflow.scoring.SecondOrderLogistic;
import io.mailflow.scoring.SecondOrderState;
import io.mailflow.scoring.UpliftLearner;
import io.mailflow.scoring.UpliftModel;
import io.mailflow.scoring.UpliftState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The validation's candidates on synthetic data whose uplift is known, so that the comparison can be trusted. */
class UpliftCandidatesTest {
    static final String CAMPAIGN = "Womens E-Mail";

    /** The e-mail raises the visit rate from 10 % to 40 % for customers with "womens" = 1, not at all otherwise. */
    static List<Customer> synthetic(int size, double propensity, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Customer> out = new ArrayList<>();
        for (int row = 0; row < size; row++) {
            boolean treated = rng.nextDouble() < propensity;
            int womens = rng.nextInt(2);
            double[] x = new double[UpliftEvaluation.FEATURES.size()];
            x[0] = rng.nextInt(1, 13) / 12.0;
            x[1] = Math.log1p(rng.nextDouble(30, 3000)) / 8.0;
            x[3] = womens;
            x[5 + rng.nextInt(3)] = 1;
            double p = 0.1 + (treated && womens == 1 ? 0.3 : 0);
            int visit = rng.nextDouble() < p ? 1 : 0;
            out.add(new Customer(row, treated ? CAMPAIGN : "No E-Mail", x, visit, 0, 0));
        }
        return out;
    }

    static double meanUplift(ToDoubleFunction<double[]> f, List<Customer> customers, int womens) {
        return customers.stream()
                .filter(c -> c.x()[3] == womens)
                .mapToDouble(c -> f.applyAsDouble(c.x()))
                .average()
                .orElseThrow();
    }

    @Test
    void everyCandidateFindsWhomTheEmailChangesUnderUnequalArms() {
        // a 20 % holdout: the propensity weights must balance the arms for the transformed outcome to be unbiased
        List<Customer> train = synthetic(20_000, 0.8, 7);
        List<Customer> test = synthetic(2_000, 0.8, 8);
        for (Candidate c : Candidate.values()) {
            ToDoubleFunction<double[]> f = UpliftCandidates.train(c, train, CAMPAIGN, true, 0.8);
            assertThat(meanUplift(f, test, 1)).as(c.label).isCloseTo(0.3, within(0.1));
            assertThat(meanUplift(f, test, 0)).as(c.label).isCloseTo(0.0, within(0.1));
        }
    }

    @Test
    void theJobsCandidateIsTheJobsLearner() {
        List<Customer> train = synthetic(3_000, 0.5, 11);
        ToDoubleFunction<double[]> f = UpliftCandidates.train(Candidate.LINEAR_TWO_MODEL, train, CAMPAIGN, true, 0.5);
        UpliftLearner learner = new UpliftLearner(UpliftEvaluation.JOB_FTRL);
        UpliftState state = UpliftState.initial(UpliftEvaluation.FEATURES.size());
        StandardizerState s = OnlineStandardizer.empty(UpliftEvaluation.FEATURES.size());
        for (Customer c : train) {
            s = OnlineStandardizer.update(s, c.x());
            state = learner.update(
                    state,
                    OnlineStandardizer.standardize(s, c.x()),
                    UpliftEvaluation.treated(c, CAMPAIGN),
                    0.5,
                    c.visit(),
                    1);
        }
        UpliftModel model = learner.model(state);
        for (Customer c : synthetic(200, 0.5, 12)) {
            assertThat(f.applyAsDouble(c.x())).isEqualTo(model.uplift(OnlineStandardizer.standardize(s, c.x())));
        }
    }

    @Test
    void theSecondOrderCandidateIsSecondOrderLogisticPerArmOnStandardizedInputs() {
        List<Customer> train = synthetic(3_000, 0.8, 13);
        ToDoubleFunction<double[]> f =
                UpliftCandidates.train(Candidate.SECOND_ORDER_TWO_MODEL, train, CAMPAIGN, true, 0.8);
        SecondOrderLogistic learner = new SecondOrderLogistic(100); // the job's ftrl.l2 0.01 as a prior
        SecondOrderState treated = learner.initial(UpliftEvaluation.FEATURES.size());
        SecondOrderState control = learner.initial(UpliftEvaluation.FEATURES.size());
        StandardizerState s = OnlineStandardizer.empty(UpliftEvaluation.FEATURES.size());
        for (Customer c : train) {
            s = OnlineStandardizer.update(s, c.x());
            double[] z = OnlineStandardizer.standardize(s, c.x());
            if (UpliftEvaluation.treated(c, CAMPAIGN)) {
                treated = learner.update(treated, z, c.visit(), 1 / (2 * 0.8));
            } else {
                control = learner.update(control, z, c.visit(), 1 / (2 * (1 - 0.8)));
            }
        }
        for (Customer c : synthetic(200, 0.5, 14)) {
            double[] z = OnlineStandardizer.standardize(s, c.x());
            assertThat(f.applyAsDouble(c.x()))
                    .isEqualTo(SecondOrderLogistic.predict(SecondOrderLogistic.weights(treated), z)
                            - SecondOrderLogistic.predict(SecondOrderLogistic.weights(control), z));
        }
    }
}
