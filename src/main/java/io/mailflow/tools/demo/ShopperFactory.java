package io.mailflow.tools.demo;

import io.mailflow.model.UserProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes plausible shoppers: about 70% English-speaking ({@code en}) in American and European time
 * zones paying in USD, 30% Chinese-speaking ({@code zh-CN}) mostly in Asia/Shanghai paying in CNY.
 * Most Chinese shoppers display their name in Chinese characters, so rendering and SMTP headers see
 * non-ASCII names. Addresses use only the reserved example domains (RFC 2606) and include the user
 * number, so they are unique and can never reach a real mailbox.
 */
final class ShopperFactory {
    private static final double CHINESE_SHARE = 0.30;
    private static final double CONSENT_RATE = 0.95;
    private static final long NINETY_DAYS_MS = 90L * 24 * 3600 * 1000;

    private static final List<String> FIRST = List.of(
            "Emma",
            "Liam",
            "Olivia",
            "Noah",
            "Ava",
            "James",
            "Sophia",
            "Lucas",
            "Mia",
            "Ethan",
            "Isabella",
            "Mason",
            "Charlotte",
            "Logan",
            "Amelia",
            "Zoe",
            "Daniel",
            "Grace",
            "Henry",
            "Chloe");
    private static final List<String> LAST = List.of(
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Garcia",
            "Wilson",
            "Anderson",
            "Taylor",
            "Thomas",
            "Moore",
            "Martin",
            "Clark",
            "Lewis",
            "Walker",
            "Hall",
            "Young",
            "Schmidt");
    /** Chinese surnames and given names with their pinyin, for e-mail local parts and Latin display. */
    private static final String[][] SURNAMES = {
        {"王", "Wang"},
        {"李", "Li"},
        {"张", "Zhang"},
        {"刘", "Liu"},
        {"陈", "Chen"},
        {"杨", "Yang"},
        {"黄", "Huang"},
        {"赵", "Zhao"},
        {"吴", "Wu"},
        {"周", "Zhou"}
    };

    private static final String[][] GIVEN = {
        {"芳", "Fang"},
        {"伟", "Wei"},
        {"娜", "Na"},
        {"敏", "Min"},
        {"静", "Jing"},
        {"磊", "Lei"},
        {"婷", "Ting"},
        {"杰", "Jie"},
        {"秀英", "Xiuying"},
        {"晓明", "Xiaoming"},
        {"丽", "Li"},
        {"强", "Qiang"}
    };
    private static final List<String> EN_ZONES = List.of(
            "America/New_York",
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Los_Angeles",
            "Europe/London",
            "Europe/Berlin",
            "Europe/Paris",
            "Australia/Sydney");
    private static final List<String> ZH_ZONES = List.of(
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Shanghai",
            "Asia/Singapore",
            "America/Vancouver");
    private static final List<String> DOMAINS = List.of("example.com", "example.org", "example.net");

    private final Rng rng;
    private final long startMillis;

    ShopperFactory(Rng rng, long startMillis) {
        this.rng = rng;
        this.startMillis = startMillis;
    }

    Shopper create(int number) {
        boolean chinese = rng.chance(CHINESE_SHARE);
        String given;
        String family;
        String display;
        if (chinese) {
            String[] s = SURNAMES[rng.below(SURNAMES.length)];
            String[] g = GIVEN[rng.below(GIVEN.length)];
            given = g[1];
            family = s[1];
            display = rng.chance(0.8) ? s[0] + g[0] : g[1] + " " + s[1];
        } else {
            given = rng.pick(FIRST);
            family = rng.pick(LAST);
            display = given + " " + family;
        }
        UserProfile profile = new UserProfile(
                "u" + number,
                localPart(given, family, number) + "@" + rng.pick(DOMAINS),
                display,
                chinese ? "zh-CN" : "en",
                rng.pick(chinese ? ZH_ZONES : EN_ZONES),
                rng.chance(CONSENT_RATE),
                startMillis - (long) (rng.uniform() * NINETY_DAYS_MS));
        return new Shopper(number, profile, interests());
    }

    /** A few address styles people actually use; the user number keeps every address unique. */
    private String localPart(String given, String family, int number) {
        String g = given.toLowerCase(Locale.ROOT);
        String f = family.toLowerCase(Locale.ROOT);
        return switch (rng.below(3)) {
            case 0 -> g + "." + f + "." + number;
            case 1 -> g.charAt(0) + f + number;
            default -> f + "_" + g + number;
        };
    }

    private List<Category> interests() {
        List<Category> pool = new ArrayList<>(Category.ALL);
        int n = 2 + rng.below(2);
        List<Category> chosen = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chosen.add(pool.remove(rng.below(pool.size())));
        }
        return chosen;
    }
}
