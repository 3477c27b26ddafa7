package io.flowcluster.server.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Next fire times against cron-utils itself, across DST changes: the trigger keeps every
 * tick the library computes and adds only one, where a DST gap swallowed a wall-clock time.
 */
class CronTriggerTest {

    private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/London",
            "America/Santiago", "Asia/Kolkata", "UTC");
    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    record Case(String cron, ZoneId zone, Instant start) {
    }

    @Provide
    Arbitrary<Case> aroundDstChanges() {
        Arbitrary<String> minute = Arbitraries.of("0", "30", "*/15", "5,45", "59");
        Arbitrary<String> hour = Arbitraries.of("*", "0", "1", "2", "3", "1-3", "*/2", "23");
        Arbitrary<String> weekday = Arbitraries.of("*", "*", "1-5", "0");
        Arbitrary<String> cron = Combinators.combine(minute, hour, weekday).as((m, h, w) -> m + " " + h + " * * " + w);
        Arbitrary<ZoneId> zone = Arbitraries.of(ZONES).map(ZoneId::of);
        Arbitrary<Integer> year = Arbitraries.integers().between(2021, 2032);
        Arbitrary<Integer> hoursBefore = Arbitraries.integers().between(0, 72);
        return Combinators.combine(cron, zone, year, hoursBefore, Arbitraries.of(0, 1)).as((c, z, y, h, which) -> {
            Instant start = transitionIn(z, y, which).map(t -> t.getInstant().minusSeconds(h * 3600L))
                    .orElse(ZonedDateTime.of(y, 3, 1, 0, 0, 0, 0, z).toInstant());
            return new Case(c, z, start);
        });
    }

    @Property(tries = 300)
    void keepsEveryLibraryTickAndAddsOnlyTheEndsOfGapsThatSwallowedOne(@ForAll("aroundDstChanges") Case c) {
        List<Instant> ours = ticks(CronTrigger.parse(c.cron(), c.zone()), c.start(), 200);
        Instant end = ours.get(ours.size() - 1);
        List<Instant> library = libraryTicks(c.cron(), c.zone(), c.start(), end);

        for (int i = 1; i < ours.size(); i++) {
            assertThat(ours.get(i)).as("strictly increasing").isAfter(ours.get(i - 1));
        }
        assertThat(ours).as("every tick of the library").containsAll(library);
        Set<Instant> gapEnds = gapEnds(c.zone(), c.start(), end);
        assertThat(ours.stream().filter(t -> !library.contains(t)).toList()).as("only gap ends added").allMatch(gapEnds::contains);
    }

    @Property(tries = 200)
    void aFixedDailyTimeFiresExactlyOnceEveryLocalDay(@ForAll("aroundDstChanges") Case c) {
        String daily = "30 2 * * *"; // the wall-clock time that a gap skips and an overlap repeats in most zones
        List<Instant> ours = ticks(CronTrigger.parse(daily, c.zone()), c.start(), 60);
        Map<LocalDate, Long> perDay = ours.stream()
                .collect(Collectors.groupingBy(t -> t.atZone(c.zone()).minusMinutes(90).toLocalDate(), HashMap::new, Collectors.counting()));
        assertThat(perDay.values()).as("once a day in %s", c.zone()).containsOnly(1L);
        LocalDate first = perDay.keySet().stream().min(LocalDate::compareTo).orElseThrow();
        assertThat(perDay).as("no day without").hasSize((int) (perDay.keySet().stream().max(LocalDate::compareTo).orElseThrow()
                .toEpochDay() - first.toEpochDay() + 1));
    }

    @Test
    void aTimeTheClocksSkipFiresAtTheEndOfTheGapAndATimeTheyRepeatFiresOnce() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        CronTrigger daily = CronTrigger.parse("30 2 * * *", berlin);
        // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC)
        assertThat(daily.next(Instant.parse("2026-03-28T12:00:00Z"))).contains(Instant.parse("2026-03-29T01:00:00Z"));
        assertThat(daily.next(Instant.parse("2026-03-29T01:00:00Z"))).contains(Instant.parse("2026-03-30T00:30:00Z"));
        // 2026-10-25: 03:00 CEST becomes 02:00 CET: 02:30 happens twice, the tick once
        assertThat(ticks(daily, Instant.parse("2026-10-24T12:00:00Z"), 2))
                .containsExactly(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void anHourlyScheduleFollowsRealTimeThroughBothChanges() {
        CronTrigger hourly = CronTrigger.parse("0 * * * *", ZoneId.of("Europe/Berlin"));
        assertThat(ticks(hourly, Instant.parse("2026-03-28T23:00:00Z"), 4)).containsExactly(Instant.parse("2026-03-29T00:00:00Z"),
                Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-29T02:00:00Z"), Instant.parse("2026-03-29T03:00:00Z"));
        assertThat(ticks(hourly, Instant.parse("2026-10-24T23:30:00Z"), 4)).containsExactly(Instant.parse("2026-10-25T00:00:00Z"),
                Instant.parse("2026-10-25T01:00:00Z"), Instant.parse("2026-10-25T02:00:00Z"), Instant.parse("2026-10-25T03:00:00Z"));
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        CronTrigger everyTenSeconds = CronTrigger.parse("*/10 * * * * *", ZoneId.of("UTC"));
        assertThat(ticks(everyTenSeconds, Instant.parse("2026-01-01T00:00:01Z"), 3)).containsExactly(
                Instant.parse("2026-01-01T00:00:10Z"), Instant.parse("2026-01-01T00:00:20Z"), Instant.parse("2026-01-01T00:00:30Z"));
    }

    @Test
    void anExpressionThatIsNoneIsRefusedWithTheLibrarysReason() {
        assertThatThrownBy(() -> CronTrigger.parse("61 * * * *", ZoneId.of("UTC"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("61");
    }

    @Test
    void anExpressionThatNeverFiresAnswersAtOnceInAZoneWithDst() {
        assertThat(CronTrigger.parse("0 0 31 2 *", ZoneId.of("Europe/Berlin")).next(Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
    }

    private static List<Instant> ticks(Trigger trigger, Instant after, int n) {
        List<Instant> ticks = new ArrayList<>();
        Optional<Instant> next = trigger.next(after);
        while (next.isPresent() && ticks.size() < n) {
            ticks.add(next.get());
            next = trigger.next(next.get());
        }
        return ticks;
    }

    private static List<Instant> libraryTicks(String cron, ZoneId zone, Instant after, Instant until) {
        ExecutionTime times = ExecutionTime.forCron(UNIX.parse(cron));
        List<Instant> ticks = new ArrayList<>();
        Optional<ZonedDateTime> next = times.nextExecution(after.atZone(zone));
        while (next.isPresent() && !next.get().toInstant().isAfter(until)) {
            ticks.add(next.get().toInstant());
            next = times.nextExecution(next.get());
        }
        return ticks;
    }

    private static Set<Instant> gapEnds(ZoneId zone, Instant from, Instant to) {
        Set<Instant> ends = new java.util.HashSet<>();
        ZoneOffsetTransition t = zone.getRules().nextTransition(from);
        while (t != null && !t.getInstant().isAfter(to)) {
            if (t.isGap()) {
                ends.add(t.getInstant());
            }
            t = zone.getRules().nextTransition(t.getInstant());
        }
        return ends;
    }

    private static Optional<ZoneOffsetTransition> transitionIn(ZoneId zone, int year, int which) {
        ZoneOffsetTransition t = zone.getRules().nextTransition(ZonedDateTime.of(year, 1, 1, 0, 0, 0, 0, zone).toInstant());
        if (t != null && which == 1) {
            t = zone.getRules().nextTransition(t.getInstant());
        }
        return Optional.ofNullable(t);
    }
}
