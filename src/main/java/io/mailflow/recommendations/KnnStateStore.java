package io.mailflow.recommendations;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/** The session-kNN index in {@link RecommendationTrainer}'s keyed state (under its one global key). */
final class KnnStateStore implements SessionKnn.Store {
    private final MapState<Long, KnnSession> sessions;
    private final MapState<String, ItemSessions> items;
    private final ValueState<KnnRange> range;

    KnnStateStore(
            MapState<Long, KnnSession> sessions, MapState<String, ItemSessions> items, ValueState<KnnRange> range) {
        this.sessions = sessions;
        this.items = items;
        this.range = range;
    }

    @Override
    public KnnSession session(long number) throws Exception {
        return sessions.get(number);
    }

    @Override
    public void putSession(long number, KnnSession session) throws Exception {
        sessions.put(number, session);
    }

    @Override
    public void removeSession(long number) throws Exception {
        sessions.remove(number);
    }

    @Override
    public ItemSessions sessionsOf(String item) throws Exception {
        return items.get(item);
    }

    @Override
    public void putSessionsOf(String item, ItemSessions s) throws Exception {
        items.put(item, s);
    }

    @Override
    public void removeItem(String item) throws Exception {
        items.remove(item);
    }

    @Override
    public KnnRange range() throws Exception {
        return range.value();
    }

    @Override
    public void putRange(KnnRange r) throws Exception {
        range.update(r);
    }
}
