package io.mailflow.sessions;

import io.mailflow.model.LineItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutable running aggregate of one session window. A Flink POJO (public fields, no-arg
 * constructor) so that window state is serialized without Kryo and can evolve by adding fields.
 */
public class SessionAccumulator {
    public long start = Long.MAX_VALUE;
    public long end = Long.MIN_VALUE;
    public int views;
    public int clicks;
    public int searches;
    public int addToCarts;
    public int removeFromCarts;
    public int favorites;
    public int purchases;
    public double revenue;
    public String currency;
    public List<String> categories = new ArrayList<>();
    public int categoriesOverflow;
    public List<String> viewedItems = new ArrayList<>();
    public List<LineItem> cartItems = new ArrayList<>();
    public List<String> purchasedItems = new ArrayList<>();
    public List<String> searchTerms = new ArrayList<>();

    public SessionAccumulator() {}
}
