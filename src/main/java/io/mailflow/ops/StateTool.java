package io.mailflow.ops;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Placeholder; see below. */
public final class StateTool {
    private StateTool() {}

    /**
     * An environment for the State Processor API's savepoint writer. The writer passes its internal
     * results (OperatorState) between chained operators with Kryo, which must stay enabled for it, and
     * with Flink 2.2 a Kryo copy of an OperatorState loses its subtask states: the savepoint comes out
     * empty. Object reuse avoids the copy.
     */
    public static StreamExecutionEnvironment writerEnvironment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.getConfig().enableObjectReuse();
        env.setParallelism(1);
        return env;
    }
}
