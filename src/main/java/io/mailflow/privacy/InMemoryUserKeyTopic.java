package io.mailflow.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A key log in this JVM's memory, for unit and harness tests: every view opened on one named log shares its records
 * and reads them from its own position, as Kafka consumers of one topic would.
 */
public final class InMemoryUserKeyTopic implements UserKeyTopic {
    private static final Map<String, List<String[]>> LOGS = new ConcurrentHashMap<>();

    private final List<String[]> log;
    private int position;

    private InMemoryUserKeyTopic(List<String[]> log) {
        this.log = log;
    }

    /** A factory of views on the log {@code name} (created empty on first use). */
    public static UserKeyTopic.Factory named(String name) {
        return () -> new InMemoryUserKeyTopic(LOGS.computeIfAbsent(name, n -> new ArrayList<>()));
    }

    /** The records of the log {@code name}, oldest first: {@code {userId, value}}, value null for a tombstone. */
    public static List<String[]> records(String name) {
        List<String[]> log = LOGS.computeIfAbsent(name, n -> new ArrayList<>());
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    @Override
    public void catchUp(BiConsumer<String, String> apply) {
        List<String[]> fresh;
        synchronized (log) {
            fresh = List.copyOf(log.subList(position, log.size()));
            position = log.size();
        }
        for (String[] r : fresh) {
            apply.accept(r[0], r[1]);
        }
    }

    @Override
    public void write(String userId, String value) {
        synchronized (log) {
            log.add(new String[] {userId, value});
        }
    }

    @Override
    public void close() {}
}
