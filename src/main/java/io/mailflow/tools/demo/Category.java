package io.mailflow.tools.demo;

import java.util.List;

/**
 * One product category of the simulated shop: its typical price and what shoppers type when looking
 * for it. Chinese-speaking shoppers mostly search in Chinese, which exercises UTF-8 end to end.
 *
 * @param number the category number, {@code cat-<number>} on the wire
 * @param medianUsd the median item price in US dollars; item prices spread log-normally around it
 * @param englishTerms search queries in English
 * @param chineseTerms search queries in Simplified Chinese
 */
record Category(int number, String name, double medianUsd, List<String> englishTerms, List<String> chineseTerms) {

    /** The shop's categories, numbered 1..20. The order is part of the stable catalog: append only. */
    static final List<Category> ALL = List.of(
            new Category(
                    1, "Running shoes", 85, List.of("running shoes", "trail running shoes"), List.of("跑步鞋", "运动鞋")),
            new Category(
                    2,
                    "Audio",
                    60,
                    List.of("wireless earbuds", "noise cancelling headphones"),
                    List.of("蓝牙耳机", "降噪耳机")),
            new Category(3, "Dresses", 45, List.of("summer dress", "maxi dress"), List.of("连衣裙", "长裙")),
            new Category(4, "Phone accessories", 15, List.of("phone case", "usb-c charger"), List.of("手机壳", "充电器")),
            new Category(5, "Laptops", 850, List.of("laptop", "gaming laptop"), List.of("笔记本电脑", "游戏本")),
            new Category(6, "Skincare", 22, List.of("moisturizer", "sunscreen spf 50"), List.of("面膜", "防晒霜")),
            new Category(7, "Kitchen", 50, List.of("coffee maker", "chef knife"), List.of("电饭煲", "咖啡机")),
            new Category(8, "Books", 14, List.of("mystery novel", "cookbook"), List.of("小说", "菜谱")),
            new Category(9, "Toys", 30, List.of("lego set", "board game"), List.of("积木", "桌游")),
            new Category(10, "Fitness", 28, List.of("yoga mat", "adjustable dumbbells"), List.of("瑜伽垫", "哑铃")),
            new Category(11, "Outdoor", 90, List.of("camping tent", "hiking backpack"), List.of("帐篷", "登山包")),
            new Category(12, "Home decor", 35, List.of("table lamp", "throw pillow"), List.of("台灯", "抱枕")),
            new Category(13, "Wearables", 150, List.of("smart watch", "fitness tracker"), List.of("智能手表", "运动手环")),
            new Category(14, "Bags", 65, List.of("leather handbag", "travel backpack"), List.of("手提包", "双肩包")),
            new Category(15, "Grocery", 9, List.of("green tea", "coffee beans"), List.of("绿茶", "零食")),
            new Category(16, "Baby", 40, List.of("baby stroller", "diapers"), List.of("婴儿车", "纸尿裤")),
            new Category(17, "Pets", 25, List.of("dog food", "cat litter"), List.of("猫粮", "狗粮")),
            new Category(18, "Gaming", 70, List.of("game controller", "mechanical keyboard"), List.of("游戏手柄", "机械键盘")),
            new Category(19, "Jackets", 110, List.of("rain jacket", "down jacket"), List.of("羽绒服", "冲锋衣")),
            new Category(20, "Beauty", 30, List.of("lipstick", "perfume"), List.of("口红", "香水")));

    static Category of(int number) {
        return ALL.get(number - 1);
    }

    String id() {
        return "cat-" + number;
    }

    /** A query a shopper of the given language would type; bilingual shoppers sometimes use English. */
    String query(boolean chineseSpeaker, Rng rng) {
        boolean chinese = chineseSpeaker && rng.chance(0.7);
        return rng.pick(chinese ? chineseTerms : englishTerms);
    }
}
