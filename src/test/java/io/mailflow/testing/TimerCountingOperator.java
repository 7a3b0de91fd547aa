package io.mailflow.testing;

import java.util.List;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManagerImpl;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;

/**
 * The keyed broadcast operator, able to count its keyed state entries and event-time timers: Flink's broadcast test harness,
 * unlike the one-input harness, has neither {@code numKeyedStateEntries()} nor {@code numEventTimeTimers()}. Its
 * metric group keeps the metrics the function registers, so a test can read a counter ({@link #counter}).
 */
public final class TimerCountingOperator<K, IN1, IN2, OUT> extends CoBroadcastWithKeyedOperator<K, IN1, IN2, OUT> {
    private static final long serialVersionUID = 1L;

    public TimerCountingOperator(
            KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> function, List<MapStateDescriptor<?, ?>> descriptors) {
        super(function, descriptors);
    }

    private transient InterceptingOperatorMetricGroup metrics;

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

    public int numKeyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) getKeyedStateBackend()).numKeyValueStateEntries();
    }

    public int numEventTimeTimers() {
        return getTimeServiceManager()
                .map(m -> ((InternalTimeServiceManagerImpl<?>) m).numEventTimeTimers())
                .orElse(0);
    }
}
