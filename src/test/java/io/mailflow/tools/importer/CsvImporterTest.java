package io.mailflow.tools.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailflow.model.Event;
import io.mailflow.model.EventType;
import io.mailflow.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvImporterTest {

    @Test
    void mapsTaobaoRows(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ub.csv");
        Files.writeString(
                f, "543462,1715,1464116,pv,1511658000\n1,2,3,buy,1511658001\n1,2,3,teleport,1511658002\nbroken\n");
        List<Event> out = new java.util.ArrayList<>();
        CsvImporter.Report report = new CsvImporter(new TaobaoFormat()).importFile(f, out::add);
        assertThat(out).hasSize(2);
        assertThat(out.get(0))
                .isEqualTo(new Event(
                        "taobao-ub-1",
                        "543462",
                        null,
                        EventType.VIEW,
                        "1715",
                        "1464116",
                        null,
                        null,
                        null,
                        null,
                        1511658000_000L));
        assertThat(out.get(1).type()).isEqualTo(EventType.PURCHASE);
        assertThat(report.rejected())
                .containsExactly("line 3: unknown behavior_type 'teleport'", "line 4: expected 5 fields, found 1");
    }

    @Test
    void mapsRees46Rows(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("oct.csv");
        Files.writeString(f, """
                event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
                2019-10-01 00:00:05 UTC,cart,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde
                """);
        List<Event> out = new CsvImporter(new Rees46Format()).readAll(f);
        assertThat(out)
                .containsExactly(new Event(
                        "rees46-oct-2",
                        "541312140",
                        "72d76fde",
                        EventType.ADD_TO_CART,
                        "44600062",
                        "2103807459595387724",
                        35.79,
                        1,
                        "USD",
                        null,
                        Instant.parse("2019-10-01T00:00:05Z").toEpochMilli()));
    }

    @Test
    void importsTheWholeTaobaoExtract() throws Exception {
        Path f = SharedData.require("taobao-userbehavior/UserBehavior-2017-11-26T01.csv");
        CsvImporter.Report report = new CsvImporter(new TaobaoFormat()).importFile(f, e -> {});
        List<Event> events = new CsvImporter(new TaobaoFormat()).readAll(f);
        Map<EventType, Long> counts =
                events.stream().collect(Collectors.groupingBy(Event::type, Collectors.counting()));
        // the counts the data set's README gives
        assertThat(counts)
                .containsEntry(EventType.VIEW, 41_890L)
                .containsEntry(EventType.ADD_TO_CART, 2_539L)
                .containsEntry(EventType.FAVORITE, 1_474L)
                .containsEntry(EventType.PURCHASE, 992L);
        assertThat(report.rejected()).isEmpty();
        assertThat(report.events()).isEqualTo(46_895L);
    }

    @Test
    void importsTheWholeRees46Extract() throws Exception {
        Path f = SharedData.require("rees46/2019-Oct-head17k.csv");
        CsvImporter.Report report = new CsvImporter(new Rees46Format()).importFile(f, e -> {});
        assertThat(report.events()).isEqualTo(17_434L);
        assertThat(report.rejected()).isEmpty();
        long sessions = new CsvImporter(new Rees46Format())
                .readAll(f).stream().map(Event::sessionId).distinct().count();
        assertThat(sessions).isEqualTo(5_066L);
    }
}
