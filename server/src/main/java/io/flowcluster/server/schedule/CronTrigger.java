package io.flowcluster.server.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Optional;

/**
 * A cron expression in a time zone: five fields (Unix: minute hour day month weekday), or six
 * with seconds first (Spring's dialect). The library computes the ticks; this adds one rule it
 * lacks: a tick whose local time a DST change skips (02:30 on the night the clocks jump from
 * 02:00 to 03:00) fires once, at the end of the skipped hour, instead of never. When the clocks
 * go back, a fixed time fires once and a repeating one follows real time (the library's own
 * behaviour, and Vixie cron's).
 */
final class CronTrigger implements Trigger {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser WITH_SECONDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

    private final ExecutionTime times;
    private final ZoneId zone;

    private CronTrigger(Cron cron, ZoneId zone) {
        this.times = ExecutionTime.forCron(cron);
        this.zone = zone;
    }

    /** @throws IllegalArgumentException with the library's reason when the expression is not one */
    static CronTrigger parse(String expression, ZoneId zone) {
        String trimmed = expression.trim();
        CronParser parser = trimmed.split("\\s+").length == 6 ? WITH_SECONDS : UNIX;
        return new CronTrigger(parser.parse(trimmed).validate(), zone);
    }

    @Override
    public Optional<Instant> next(Instant after) {
        Optional<Instant> regular = times.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant);
        if (regular.isEmpty()) {
            return regular; // an expression that never fires again fires in no gap either (and the zone's transitions never end)
        }
        Optional<Instant> skipped = skippedTickBefore(after, regular.get());
        return skipped.isPresent() ? skipped : regular;
    }

    /**
     * A tick the library passed over because its local time fell into a DST gap between
     * {@code after} and {@code before}: it fires at the instant the gap ends.
     */
    private Optional<Instant> skippedTickBefore(Instant after, Instant before) {
        ZoneOffsetTransition t = zone.getRules().nextTransition(after);
        while (t != null && t.getInstant().isBefore(before)) {
            if (t.isGap() && hasLocalTick(t.getDateTimeBefore(), t.getDateTimeAfter()) && t.getInstant().isAfter(after)) {
                return Optional.of(t.getInstant());
            }
            t = zone.getRules().nextTransition(t.getInstant());
        }
        return Optional.empty();
    }

    /** Whether the expression names a wall-clock time in [from, to), read without a zone. */
    private boolean hasLocalTick(LocalDateTime from, LocalDateTime to) {
        return times.nextExecution(from.minusSeconds(1).atZone(ZoneOffset.UTC))
                .map(t -> t.toLocalDateTime().isBefore(to))
                .orElse(false);
    }
}
