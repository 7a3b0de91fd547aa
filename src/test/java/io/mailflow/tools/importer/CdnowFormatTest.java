package io.mailflow.tools.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CdnowFormatTest {
    private final CsvFormat format = CsvFormat.named("cdnow");

    @Test
    void aLineIsAPurchaseAtNoonOfItsDayAtTheMeanPrice() {
        Event e = format.map("dev", 2, " 00002 19970112  5   77.00").orElseThrow();
        assertThat(e.type()).isEqualTo(EventType.PURCHASE);
        assertThat(e.userId()).isEqualTo("cdnow-2");
        assertThat(e.eventId()).isEqualTo("cdnow-dev-2");
        assertThat(e.quantity()).isEqualTo(5);
        assertThat(e.price()).isEqualTo(15.4);
        assertThat(e.amount()).isEqualTo(77.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(e.currency()).isEqualTo("USD");
        assertThat(Instant.ofEpochMilli(e.timestamp())).isEqualTo(Instant.parse("1997-01-12T12:00:00Z"));
        assertThat(format.hasHeader()).isTrue();
    }

    @Test
    void aLineWithNothingBoughtCarriesNoBehaviour() {
        assertThat(format.map("dev", 3, "00007 19970301 0 0.00")).isEmpty();
        assertThat(format.map("dev", 4, "00007 19970301 0 12.50").orElseThrow().quantity())
                .as("dollars without a CD count: one item")
                .isEqualTo(1);
    }

    @Test
    void malformedLinesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> format.map("dev", 5, "00002 19970112 5")).hasMessageContaining("4 fields");
        assertThatThrownBy(() -> format.map("dev", 5, "00002 1997-01-12 5 7.0")).hasMessageContaining("yyyyMMdd");
        assertThatThrownBy(() -> format.map("dev", 5, "00002 19971312 5 7.0")).hasMessageContaining("yyyyMMdd");
        assertThatThrownBy(() -> format.map("dev", 5, "x2 19970112 5 7.0")).hasMessageContaining("customer_id");
        assertThatThrownBy(() -> format.map("dev", 5, "2 19970112 five 7.0")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> format.map("dev", 5, "2 19970112 5 -7.0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> format.map("dev", 5, "2 19970112 5 NaN")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> format.map("dev", 5, "2 19970112 5 1e300")).hasMessageContaining("out of range");
    }
}
