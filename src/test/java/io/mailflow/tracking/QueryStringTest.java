package io.mailflow.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;
import org.junit.jupiter.api.Test;

class QueryStringTest {
    @Test
    void findsOneParameterAndDecodesIt() {
        String q = "u=https%3A%2F%2Fshop.example.com%2Fp%3Fa%3D1%26b%3D2&t=k1.abc_-.sig&lang=zh-CN";
        assertThat(QueryString.value(q, "u")).isEqualTo("https://shop.example.com/p?a=1&b=2");
        assertThat(QueryString.value(q, "t")).isEqualTo("k1.abc_-.sig");
        assertThat(QueryString.value(q, "lang")).isEqualTo("zh-CN");
        assertThat(QueryString.value(q, "x")).isNull();
        assertThat(QueryString.value(q, "la"))
                .as("a prefix of a name is not the name")
                .isNull();
        assertThat(QueryString.value("uu=1&u=2", "u")).isEqualTo("2");
        assertThat(QueryString.value("u=1&u=2", "u")).as("the first wins").isEqualTo("1");
        assertThat(QueryString.value("a&u", "u")).isEmpty();
        assertThat(QueryString.value("u=a+b%20c", "u")).isEqualTo("a b c");
        assertThat(QueryString.value("u=%E4%B8%AD", "u")).isEqualTo("中");
        assertThat(QueryString.value(null, "u")).isNull();
        assertThat(QueryString.value("", "u")).isNull();
    }

    @Test
    void aMalformedValueReadsAsAbsent() {
        assertThat(QueryString.value("u=%zz", "u")).isNull();
        assertThat(QueryString.value("u=abc%4", "u")).isNull();
        assertThat(QueryString.value("u=%", "u")).isNull();
        assertThat(QueryString.value("u=%\uFF11\uFF12", "u"))
                .as("fullwidth digits are not hex")
                .isNull();
        assertThat(QueryString.value("u=%FF%FE", "u")).as("not UTF-8").isNull();
        assertThat(QueryString.value("u=%ED%A0%80", "u")).as("a lone surrogate").isNull();
        assertThat(QueryString.value("t=ok&u=%zz", "t"))
                .as("others are not decoded")
                .isEqualTo("ok");
    }

    @Property(tries = 300)
    void agreesWithJettysDecoderOnWellFormedQueries(
            @ForAll @Size(min = 1, max = 5) List<@AlphaChars @NotEmpty @StringLength(max = 6) String> names,
            @ForAll @Size(min = 5, max = 5) List<@StringLength(max = 40) String> values) {
        // a lone surrogate has no UTF-8 spelling: the encoder would already have changed it
        Assume.that(values.stream()
                .allMatch(v -> StandardCharsets.UTF_8.newEncoder().canEncode(v)));
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                q.append('&');
            }
            q.append(names.get(i)).append('=').append(URLEncoder.encode(values.get(i), StandardCharsets.UTF_8));
        }
        Fields jetty = new Fields(true);
        UrlEncoded.decodeUtf8To(q.toString(), jetty);
        for (String name : names) {
            String expected = jetty.getValue(name);
            assertThat(QueryString.value(q.toString(), name)).as(q.toString()).isEqualTo(expected);
        }
    }
}
