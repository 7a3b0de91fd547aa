package io.mailflow.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/**
 * Counts the entries of a keyed map state over all keys. The harness's {@code numKeyedStateEntries()} counts
 * a heap map state as one entry per key however many entries the map holds, so a test of a bound on a map
 * needs this.
 */
public final class StateEntries {
    private StateEntries() {}

    public static <K, V> long mapEntries(AbstractStreamOperatorTestHarness<?> h, MapStateDescriptor<K, V> d)
            throws Exception {
        KeyedStateBackend<Object> backend = ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        AtomicLong n = new AtomicLong();
        backend.applyToAllKeys(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d, (Object key, MapState<K, V> state) -> {
                    for (Map.Entry<K, V> ignored : state.entries()) {
                        n.incrementAndGet();
                    }
                });
        return n.get();
    }
}
