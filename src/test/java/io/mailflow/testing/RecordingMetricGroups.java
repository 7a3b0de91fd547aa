package io.mailflow.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * A task metric group for harness tests that records every {@code key=value} group an operator adds to its
 * metric group, so that a test can assert that input values cannot create an unbounded number of groups.
 */
public final class RecordingMetricGroups extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
    private final Set<String> groups = ConcurrentHashMap.newKeySet();
    private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();

    /** A mock environment whose operators report to this group. */
    public MockEnvironment environment() {
        return new MockEnvironmentBuilder().setMetricGroup(this).build();
    }

    /** The values of the groups added under {@code key}. */
    public Set<String> values(String key) {
        Set<String> out = new java.util.TreeSet<>();
        for (String g : groups) {
            if (g.startsWith(key + "=")) {
                out.add(g.substring(key.length() + 1));
            }
        }
        return out;
    }

    /**
     * The current value of a gauge registered under groups, by its path: {@code campaign=c1/variant=A/windowLift};
     * null if there is none.
     */
    public Object gauge(String path) {
        Gauge<?> g = gauges.get(path);
        return g == null ? null : g.getValue();
    }

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(String name) {
        return new Recording();
    }

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
        return new Recording();
    }

    private final class Recording extends UnregisteredMetricGroups.UnregisteredOperatorMetricGroup {
        @Override
        public MetricGroup addGroup(String key, String value) {
            groups.add(key + "=" + value);
            return new Nested(key + "=" + value);
        }
    }

    /** A group under an operator's: records its gauges by path (its own sub-groups are not in {@link #values}). */
    private final class Nested extends UnregisteredMetricsGroup {
        private final String path;

        Nested(String path) {
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Nested(path + "/" + key + "=" + value);
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(path + "/" + name, gauge);
            return gauge;
        }
    }
}
