package io.mailflow.tools.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailflow.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated shop's products {@code sku-1..sku-n}. Category and price of an item depend only on
 * its number, and popularity only on the catalog size, never on the traffic seed: two demo runs with
 * different seeds still agree that {@code sku-42} is the same product at the same price.
 *
 * <p>Popularity follows a Zipf law over a shuffled ranking, so a few items draw most views (as in
 * real shops) without the popular ones being simply the lowest numbers.
 */
final class Catalog {
    private static final long CATALOG_SEED = 0x6D61696C666C6F77L; // "mailflow"
    private static final double ZIPF_EXPONENT = 1.05;
    private static final double PRICE_SIGMA = 0.55;
    /** A fixed rate so that CNY prices are as stable as USD ones. */
    private static final double CNY_PER_USD = 7.1;

    private final int size;
    private final int[] categoryOf; // index: item number - 1
    private final double[] usdPrice;
    private final CumulativeSampler popular;
    /** Item numbers by popularity, most popular first. */
    private final int[] byPopularity;

    private final CumulativeSampler[] popularInCategory; // index: category number - 1; null when empty

    Catalog(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("catalog needs at least one item, got " + size);
        }
        this.size = size;
        this.categoryOf = new int[size];
        this.usdPrice = new double[size];
        for (int item = 1; item <= size; item++) {
            SplittableRandom attributes = new SplittableRandom(CATALOG_SEED ^ (item * 0x9E3779B97F4A7C15L));
            Category category = Category.ALL.get(attributes.nextInt(Category.ALL.size()));
            Rng spread = new Rng(attributes.nextLong());
            categoryOf[item - 1] = category.number();
            usdPrice[item - 1] = Math.max(0.99, roundCents(spread.logNormal(category.medianUsd(), PRICE_SIGMA)));
        }
        double[] weight = zipfWeights(size, new SplittableRandom(CATALOG_SEED + size));
        int[] items = new int[size];
        for (int i = 0; i < size; i++) {
            items[i] = i + 1;
        }
        this.popular = new CumulativeSampler(items, weight);
        this.byPopularity = java.util.stream.IntStream.rangeClosed(1, size)
                .boxed()
                .sorted((a, b) -> Double.compare(weight[b - 1], weight[a - 1]))
                .mapToInt(Integer::intValue)
                .toArray();
        this.popularInCategory = new CumulativeSampler[Category.ALL.size()];
        for (Category c : Category.ALL) {
            List<Integer> members = new ArrayList<>();
            for (int item = 1; item <= size; item++) {
                if (categoryOf[item - 1] == c.number()) {
                    members.add(item);
                }
            }
            if (!members.isEmpty()) {
                int[] values = members.stream().mapToInt(Integer::intValue).toArray();
                double[] w = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    w[i] = weight[values[i] - 1];
                }
                popularInCategory[c.number() - 1] = new CumulativeSampler(values, w);
            }
        }
    }

    /** Weight 1/rank^s per item, with ranks assigned by a fixed shuffle. */
    private static double[] zipfWeights(int size, SplittableRandom shuffle) {
        int[] rank = new int[size];
        for (int i = 0; i < size; i++) {
            rank[i] = i + 1;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        double[] weight = new double[size];
        for (int i = 0; i < size; i++) {
            weight[i] = 1.0 / StrictMath.pow(rank[i], ZIPF_EXPONENT);
        }
        return weight;
    }

    private static double roundCents(double amount) {
        return Math.round(amount * 100.0) / 100.0;
    }

    int size() {
        return size;
    }

    static String itemId(int item) {
        return "sku-" + item;
    }

    Category category(int item) {
        return Category.of(categoryOf[item - 1]);
    }

    /** The item's list price in {@code USD} or {@code CNY}, two decimals. */
    double price(int item, String currency) {
        double usd = usdPrice[item - 1];
        return "CNY".equals(currency) ? roundCents(usd * CNY_PER_USD) : usd;
    }

    /** Popular items out of stock when the run starts and back in stock at {@link #RESTOCK_AT} of it. */
    private static final int RESTOCKED_PER_FOUR = 1;
    /** Popular items whose price falls by {@link #DROP_SHARE} at {@link #DROP_AT} of the run. */
    private static final int DROPPED_PER_FOUR = 3;
    /** How many of the most popular items take part in the stock and price changes. */
    private static final int CHANGING = 40;

    static final double RESTOCK_AT = 0.35;
    static final double DROP_AT = 0.45;
    static final double DROP_SHARE = 0.2;

    /** One catalog change during the run: a new version of an item, published at its {@code updatedAt}. */
    record Change(long at, String itemId, String line) {}

    /** Whether the item is out of stock at the start of a run and comes back during it. */
    boolean restocked(int item) {
        return changeKind(item) == RESTOCKED_PER_FOUR;
    }

    /** Whether the item gets cheaper during a run. */
    boolean dropped(int item) {
        return changeKind(item) == DROPPED_PER_FOUR;
    }

    /** The item's position among the most popular modulo 4, or -1 when it is not among them. */
    private int changeKind(int item) {
        for (int rank = 0; rank < Math.min(CHANGING, size); rank++) {
            if (byPopularity[rank] == item) {
                return rank % 4;
            }
        }
        return -1;
    }

    /**
     * The item as the shop's catalog feed describes it (docs/events.md, "Catalog"): a title in English and
     * Chinese from its category, a placeholder image, the list price in USD, every seventh item discounted by a
     * fifth, every thirteenth out of stock (so the demo shows the catalog keeping it out of e-mails), and a few
     * popular ones out of stock until they are restocked during the run (back-in-stock e-mails).
     */
    String feedItem(int item) {
        return feedItem(item, restocked(item), 1.0, 0L);
    }

    /**
     * The catalog's changes of a run from {@code start} to {@code end}: a few popular items come back in stock, a
     * few others get {@link #DROP_SHARE} cheaper (price-drop e-mails for the shoppers who viewed or carted them).
     * Fixed by the catalog alone, at fixed shares of the run, in time order.
     */
    List<Change> changes(long start, long end) {
        long restockAt = start + (long) ((end - start) * RESTOCK_AT);
        long dropAt = start + (long) ((end - start) * DROP_AT);
        List<Change> out = new ArrayList<>();
        for (int rank = 0; rank < Math.min(CHANGING, size); rank++) {
            int item = byPopularity[rank];
            if (restocked(item)) {
                out.add(new Change(restockAt, itemId(item), feedItem(item, false, 1.0, restockAt)));
            }
        }
        for (int rank = 0; rank < Math.min(CHANGING, size); rank++) {
            int item = byPopularity[rank];
            if (dropped(item)) {
                out.add(new Change(dropAt, itemId(item), feedItem(item, false, 1 - DROP_SHARE, dropAt)));
            }
        }
        return out;
    }

    private String feedItem(int item, boolean outOfStock, double priceFactor, long updatedAt) {
        Category c = category(item);
        ObjectNode o = Json.mapper().createObjectNode();
        String id = itemId(item);
        String term = c.englishTerms().get(0);
        o.put("itemId", id);
        o.put("title", Character.toUpperCase(term.charAt(0)) + term.substring(1) + " No. " + item);
        o.putObject("titles").put("zh-CN", c.chineseTerms().get(0) + " " + item + "号");
        o.put("url", "https://shop.example.com/p/" + id);
        o.put("imageUrl", "https://images.example.com/demo/" + id + ".jpg");
        double usd = price(item, "USD");
        if (item % 7 == 0) {
            o.put("price", roundCents(usd * 0.8 * priceFactor));
            o.put("listPrice", usd);
        } else {
            o.put("price", roundCents(usd * priceFactor));
            if (priceFactor < 1) {
                o.put("listPrice", usd);
            }
        }
        o.put("currency", "USD");
        o.put("stock", outOfStock || item % 13 == 0 ? 0 : 25);
        o.put("brand", "Mailflow " + c.name());
        o.putArray("categoryPath").add(c.name());
        if (updatedAt > 0) {
            o.put("updatedAt", updatedAt);
        }
        return Json.toText(o);
    }

    int popularItem(Rng rng) {
        return popular.sample(rng);
    }

    /** A popular item of the category, or of the whole shop when a small catalog leaves it empty. */
    int popularItemIn(Category category, Rng rng) {
        CumulativeSampler sampler = popularInCategory[category.number() - 1];
        return sampler == null ? popular.sample(rng) : sampler.sample(rng);
    }
}
