package io.mailflow.tools.demo;

import static io.mailflow.tools.demo.Traffic.START;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.model.UserProfile;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Profiles: one per user, safe addresses, locales and time zones that fit together. */
class ShopperProfilesTest {
    private static final int USERS = 5_000;
    private static ShoppingTrafficGenerator generator;
    private static List<UserProfile> profiles;

    @BeforeAll
    static void generate() {
        generator = new ShoppingTrafficGenerator(11, USERS, 1_000, START, 5.0);
        profiles = generator.profiles();
    }

    @Test
    void oneProfilePerUserWithUniqueAddressesAtExampleDomainsOnly() {
        assertThat(profiles).hasSize(USERS);
        assertThat(profiles.stream().map(UserProfile::userId).distinct()).hasSize(USERS);
        assertThat(profiles.stream().map(UserProfile::email).distinct()).hasSize(USERS);
        assertThat(profiles).allSatisfy(p -> {
            assertThat(p.userId()).matches("u\\d+");
            assertThat(p.email()).matches("[a-z0-9._]+@example\\.(com|org|net)");
            assertThat(p.name()).isNotBlank();
            assertThat(p.updatedAt()).isLessThanOrEqualTo(START);
        });
    }

    @Test
    void localesTimeZonesAndConsentLookRealistic() {
        long chinese = profiles.stream().filter(p -> p.locale().equals("zh-CN")).count();
        assertThat(profiles).allSatisfy(p -> {
            assertThat(p.locale()).isIn("en", "zh-CN");
            assertThat(ZoneId.of(p.timeZone())).isNotNull();
        });
        assertThat((double) chinese / USERS).isBetween(0.25, 0.35);
        assertThat((double) profiles.stream().filter(UserProfile::consent).count() / USERS)
                .isBetween(0.93, 0.97);
        assertThat(profiles.stream().filter(p -> p.locale().equals("zh-CN")).map(UserProfile::timeZone))
                .contains("Asia/Shanghai")
                .doesNotContain("America/New_York", "Europe/Berlin");
        assertThat(profiles.stream().filter(p -> p.locale().equals("en")).map(UserProfile::timeZone))
                .contains("America/New_York", "Europe/Berlin")
                .doesNotContain("Asia/Shanghai");
    }

    @Test
    void someChineseShoppersHaveNamesInChineseCharacters() {
        assertThat(profiles.stream().filter(p -> p.locale().equals("zh-CN")).map(UserProfile::name))
                .anyMatch(n ->
                        n.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN));
    }

    @Test
    void eventsOnlyComeFromKnownUsers() {
        Set<String> users = profiles.stream().map(UserProfile::userId).collect(Collectors.toSet());
        assertThat(Traffic.take(generator, 2_000)).extracting(Event::userId).allMatch(users::contains);
    }
}
