package io.mailflow.tools.ops;

import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.config.MailflowOptions;
import io.mailflow.features.FeatureVector;
import io.mailflow.scoring.Ftrl;
import io.mailflow.scoring.FtrlState;
import io.mailflow.scoring.LogRegModel;
import io.mailflow.scoring.PropensityScorer;
import io.mailflow.segmentation.KMeansAssigner;
import io.mailflow.segmentation.KMeansModel;
import io.mailflow.segmentation.KMeansTrainer;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.BroadcastStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.StateBootstrapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes a savepoint that starts the job with an offline model instead of learning from nothing:
 * the k-means trainer's model and the segment assigners' broadcast model, the FTRL trainer's
 * accumulators and the scorers' broadcast model. Both are served from the first record on, and the
 * streaming trainers go on learning from them. Only model operators have state in it, so
 * {@code flink run -s} takes it without {@code --allowNonRestoredState}.
 */
public final class ModelBootstrap {
    /** The key of the one model in a scorer's broadcast state (see ModelBroadcastFunction). */
    static final String CURRENT = "current";
    /**
     * Squared-gradient sum each FTRL coordinate starts with: the learning rate of a bootstrapped
     * weight is that of a weight that has already seen about this much gradient, so the first
     * streaming examples refine the offline weights instead of overwriting them.
     */
    static final double PRIOR_N = 100.0;

    private ModelBootstrap() {}

    public static void write(OfflineModel model, MailflowConfig config, String savepointPath) throws Exception {
        StreamExecutionEnvironment env = StateTool.writerEnvironment();
        SavepointWriter writer = SavepointWriter.newSavepoint(env, config.get(MailflowOptions.MAX_PARALLELISM));
        if (model.kmeans() != null) {
            KMeansModel kmeans = new KMeansModel(
                    model.version(), model.kmeans().centroids(), model.kmeans().weights());
            writer.withOperator(
                    OperatorIdentifier.forUid(Uids.KMEANS_TRAINER),
                    OperatorTransformation.bootstrapWith(env.fromData(kmeans))
                            .keyBy(m -> KMeansTrainer.GLOBAL_KEY, Types.INT)
                            .transform(new KMeansTrainerState()));
            writer.withOperator(
                    OperatorIdentifier.forUid(Uids.KMEANS_ASSIGNER),
                    OperatorTransformation.bootstrapWith(env.fromData(kmeans))
                            .transform(new BroadcastModel<>(KMeansAssigner.MODEL)));
        }
        if (model.propensity() != null) {
            Ftrl ftrl = new Ftrl(
                    config.get(MailflowOptions.FTRL_ALPHA),
                    config.get(MailflowOptions.FTRL_BETA),
                    config.get(MailflowOptions.FTRL_L1),
                    config.get(MailflowOptions.FTRL_L2));
            FtrlState state = ftrlState(model, config);
            LogRegModel served = ftrl.model(state);
            writer.withOperator(
                    OperatorIdentifier.forUid(Uids.FTRL_TRAINER),
                    OperatorTransformation.bootstrapWith(env.fromData(state)).transform(new FtrlTrainerState()));
            writer.withOperator(
                    OperatorIdentifier.forUid(Uids.PROPENSITY_SCORER),
                    OperatorTransformation.bootstrapWith(env.fromData(served))
                            .transform(new BroadcastModel<>(PropensityScorer.MODEL)));
        }
        writer.write(savepointPath);
        env.execute("mailflow: bootstrap savepoint " + savepointPath);
    }

    /**
     * FTRL accumulators whose weights are the offline ones: solves the FTRL-Proximal weight formula
     * {@code w = -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)} for {@code z} at {@code n = PRIOR_N}
     * (the intercept, the last coordinate, is not regularized).
     */
    static FtrlState ftrlState(OfflineModel model, MailflowConfig config) {
        double alpha = config.get(MailflowOptions.FTRL_ALPHA);
        double beta = config.get(MailflowOptions.FTRL_BETA);
        double[] w = new double[FeatureVector.SIZE + 1];
        System.arraycopy(model.propensity().coefficients(), 0, w, 0, FeatureVector.SIZE);
        w[FeatureVector.SIZE] = model.propensity().intercept();
        double[] z = new double[w.length];
        double[] n = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            boolean intercept = i == w.length - 1;
            double l1 = intercept ? 0 : config.get(MailflowOptions.FTRL_L1);
            double l2 = intercept ? 0 : config.get(MailflowOptions.FTRL_L2);
            n[i] = PRIOR_N;
            z[i] = w[i] == 0 ? 0 : -w[i] * ((beta + Math.sqrt(n[i])) / alpha + l2) - Math.signum(w[i]) * l1;
        }
        return new FtrlState(model.version(), 0, z, n);
    }

    /** The k-means trainer's keyed state under its one global key. */
    static final class KMeansTrainerState extends KeyedStateBootstrapFunction<Integer, KMeansModel> {
        private transient ValueState<KMeansModel> model;

        @Override
        public void open(OpenContext ctx) {
            model = getRuntimeContext().getState(io.mailflow.segmentation.KMeansTrainer.modelDescriptor());
        }

        @Override
        public void processElement(KMeansModel m, Context ctx) throws Exception {
            model.update(m);
        }
    }

    /** A scorer's broadcast state holding the current model. */
    static final class BroadcastModel<M> extends BroadcastStateBootstrapFunction<M> {
        private final MapStateDescriptor<String, M> descriptor;

        BroadcastModel(MapStateDescriptor<String, M> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void processElement(M model, Context ctx) throws Exception {
            ctx.getBroadcastState(descriptor).put(CURRENT, model);
        }
    }

    /** The FTRL trainer's operator state. */
    static final class FtrlTrainerState extends StateBootstrapFunction<FtrlState> {
        private transient ListState<FtrlState> state;
        private transient FtrlState latest;

        @Override
        public void processElement(FtrlState value, Context ctx) {
            latest = value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            state.update(latest == null ? List.of() : List.of(latest));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            state = context.getOperatorStateStore().getListState(io.mailflow.scoring.FtrlTrainer.stateDescriptor());
        }
    }
}
