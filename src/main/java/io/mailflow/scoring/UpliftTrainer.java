package io.mailflow.scoring;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Learns one uplift model per campaign (keyed by campaign id) with {@link UpliftLearner} and publishes a new
 * version of that campaign's model every {@code publishEvery} of its examples. The learner's state, with its
 * version counter, is keyed state, so a restore continues each campaign's learning rates and versions where the
 * checkpoint left them. The feature layout of a campaign is fixed by its first example; an example of another
 * layout, or one the learner rejects ({@link UpliftLearner#learnable}), is counted
 * ({@code upliftExamplesRejected}) and not learned. Not yet wired into the job (issue 16).
 */
public final class UpliftTrainer extends KeyedProcessFunction<String, UpliftExample, CampaignUpliftModel> {
    private static final long serialVersionUID = 1L;

    private final UpliftLearner learner;
    private final int publishEvery;
    private transient ValueState<UpliftState> state;
    private transient Counter rejected;

    public UpliftTrainer(UpliftLearner learner, int publishEvery) {
        if (publishEvery < 1) {
            throw new IllegalArgumentException("publishEvery must be at least 1");
        }
        this.learner = learner;
        this.publishEvery = publishEvery;
    }

    /** A campaign's learner state (keyed by campaign id); declared once for the operator, tools and tests. */
    public static ValueStateDescriptor<UpliftState> stateDescriptor() {
        return new ValueStateDescriptor<>("uplift-state", UpliftState.class);
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(stateDescriptor());
        rejected = getRuntimeContext().getMetricGroup().counter("upliftExamplesRejected");
    }

    @Override
    public void processElement(UpliftExample e, Context ctx, Collector<CampaignUpliftModel> out) throws Exception {
        UpliftState s = state.value();
        if (e.features() == null) {
            rejected.inc();
            return;
        }
        if (s == null) {
            s = UpliftState.initial(e.features().length);
        }
        if (e.features().length != s.features()
                || !UpliftLearner.learnable(e.features(), e.propensity(), e.label(), e.weight())) {
            rejected.inc();
            return;
        }
        s = learner.update(s, e.features(), e.treated(), e.propensity(), e.label(), e.weight());
        if (s.examples() % publishEvery == 0) {
            s = UpliftLearner.nextVersion(s);
            out.collect(new CampaignUpliftModel(ctx.getCurrentKey(), learner.model(s)));
        }
        state.update(s);
    }
}
