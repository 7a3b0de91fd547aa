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

    /**
     * The item as the shop's catalog feed describes it (docs/events.md, "Catalog"): a title in English and
     * Chinese from its category, a placeholder image, the list price in USD, every seventh item discounted by a
     * fifth, every thirteenth out of stock (so the demo shows the catalog keeping it out of e-mails).
     */
    String feedItem(int item) {
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
            o.put("price", roundCents(usd * 0.8));
            o.put("listPrice", usd);
        } else {
            o.put("price", usd);
        }
        o.put("currency", "USD");
        o.put("stock", item % 13 == 0 ? 0 : 25);
        o.put("brand", "Mailflow " + c.name());
        o.putArray("categoryPath").add(c.name());
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
