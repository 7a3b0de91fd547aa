package io.mailflow.testing;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;

/**
 * The operator of a {@link ProcessFunction} whose metric group keeps what the function registers, so a harness test
 * can read a counter ({@link #counter}); the plain harness's metric group forgets them.
 */
public final class CountingProcessOperator<IN, OUT> extends ProcessOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;
    private transient InterceptingOperatorMetricGroup metrics;

    public CountingProcessOperator(ProcessFunction<IN, OUT> function) {
        super(function);
    }

    @Override
    public OperatorMetricGroup getMetricGroup() {
        if (metrics == null) {
            metrics = new InterceptingOperatorMetricGroup();
        }
        return metrics;
    }

    /** The function's counter of that name (it must have registered it in {@code open}). */
    public long counter(String name) {
        return ((Counter) metrics.get(name)).getCount();
    }
}
