package io.mailflow.testing;

import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A chain whose downstream operators fail: in a Flink task, {@code out.collect} and {@code ctx.output} run
 * the chained operators after this one (the async sender, a sink), so what they throw surfaces inside the
 * caller's {@code processElement}. An operator's guard against bad records must let it through: swallowed,
 * it hides a sink's failure and leaves Flink's own bookkeeping behind (an async operator counted an element
 * it had already handed on, and waited for it for ever at the end of input).
 */
public final class Downstream {
    private Downstream() {}

    /** What the failing downstream operators throw. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failure(String where) {
            super("downstream failure in " + where);
        }
    }

    /** A main output whose chained operators throw. */
    public static <T> Collector<T> failingOutput() {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                throw new Failure("the main output");
            }

            @Override
            public void close() {}
        };
    }

    /** A main output that takes everything. */
    public static <T> Collector<T> output() {
        return new Collector<>() {
            @Override
            public void collect(T record) {}

            @Override
            public void close() {}
        };
    }

    /** A context whose side outputs' chained operators throw; no timers. */
    public static <I, O> ProcessFunction<I, O>.Context failingSideOutputs(ProcessFunction<I, O> f) {
        return context(f, true);
    }

    /** A context whose side outputs take everything; no timers. */
    public static <I, O> ProcessFunction<I, O>.Context sideOutputs(ProcessFunction<I, O> f) {
        return context(f, false);
    }

    private static <I, O> ProcessFunction<I, O>.Context context(ProcessFunction<I, O> f, boolean failing) {
        return f.new Context() {
            @Override
            public Long timestamp() {
                return 0L;
            }

            @Override
            public TimerService timerService() {
                throw new UnsupportedOperationException("no timers here");
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                if (failing) {
                    throw new Failure("side output " + tag.getId());
                }
            }
        };
    }
}
