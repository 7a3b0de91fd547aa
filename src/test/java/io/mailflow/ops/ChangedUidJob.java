package io.mailflow.ops;

import io.mailflow.common.Uids;
import io.mailflow.config.MailflowConfig;
import io.mailflow.job.MailflowJob;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production job with one operator's uid changed, as a careless refactoring would: the cluster
 * test checks that Flink refuses to start it from a savepoint (the de-duplication state would be
 * silently dropped) unless {@code --allowNonRestoredState} is given.
 */
public final class ChangedUidJob {
    static final String RENAMED = Uids.DEDUPLICATE + "-renamed";

    private ChangedUidJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MailflowJob.define(env, MailflowConfig.fromArgs(args));
        for (Transformation<?> sink : env.getTransformations()) {
            for (Transformation<?> t : sink.getTransitivePredecessors()) {
                if (Uids.DEDUPLICATE.equals(t.getUid())) {
                    t.setUid(RENAMED);
                }
            }
        }
        env.execute("mailflow-changed-uid");
    }
}
