package io.flowcluster.server.schedule;

import io.flowcluster.contract.Durations;
import io.flowcluster.server.job.FieldError;
import io.flowcluster.server.job.JobValidator;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks a schedule before anything is stored: every error at once, each with its field. */
public final class ScheduleValidator {

    /** A name that is one path segment as it is: lower case, digits, dots and dashes. */
    static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofDays(366);
    static final int MAX_CATCH_UP = 1000;

    private final JobValidator jobs;

    public ScheduleValidator(JobValidator jobs) {
        this.jobs = jobs;
    }

    public List<FieldError> validate(ScheduleSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
            errors.add(new FieldError("name", "must be 1 to 63 lower-case letters, digits, '.' or '-', starting and ending "
                    + "with a letter or digit"));
        }
        boolean zoneValid = validateZone(spec, errors);
        if ((spec.cron() == null) == (spec.interval() == null)) {
            errors.add(new FieldError("cron", "give either 'cron' (e.g. '0 3 * * *', or with seconds '*/10 * * * * *') "
                    + "or 'interval' (e.g. '15m'), not both or neither"));
        } else if (spec.cron() != null && zoneValid) {
            validateCron(spec, errors);
        } else if (spec.interval() != null) {
            validateInterval(spec.interval(), errors);
        }
        if (spec.misfirePolicy() != null && MisfirePolicy.fromWireName(spec.misfirePolicy()).isEmpty()) {
            errors.add(new FieldError("misfirePolicy", "must be one of " + names(Arrays.stream(MisfirePolicy.values()).map(MisfirePolicy::wireName))));
        }
        if (spec.concurrencyPolicy() != null && ConcurrencyPolicy.fromWireName(spec.concurrencyPolicy()).isEmpty()) {
            errors.add(new FieldError("concurrencyPolicy", "must be one of " + names(Arrays.stream(ConcurrencyPolicy.values()).map(ConcurrencyPolicy::wireName))));
        }
        if (spec.maxCatchUp() != null && (spec.maxCatchUp() < 1 || spec.maxCatchUp() > MAX_CATCH_UP)) {
            errors.add(new FieldError("maxCatchUp", "must be 1 to " + MAX_CATCH_UP));
        }
        if (spec.job() == null) {
            errors.add(new FieldError("job", "is required: the body of a job submission, which each tick submits"));
        } else {
            jobs.validate(spec.job()).forEach(e -> errors.add(new FieldError("job." + e.field(), e.message())));
        }
        return errors;
    }

    private static boolean validateZone(ScheduleSpec spec, List<FieldError> errors) {
        try {
            spec.zone();
            return true;
        } catch (DateTimeException e) {
            errors.add(new FieldError("timeZone", "'" + spec.timeZone() + "' is not a time zone (examples: UTC, Europe/Berlin, "
                    + "America/New_York)"));
            return false;
        }
    }

    private static void validateCron(ScheduleSpec spec, List<FieldError> errors) {
        if (spec.cron().length() > 200) {
            errors.add(new FieldError("cron", "is longer than 200 characters"));
            return;
        }
        try {
            if (spec.trigger(Instant.EPOCH).next(Instant.now()).isEmpty()) {
                errors.add(new FieldError("cron", "'" + spec.cron() + "' never fires"));
            }
        } catch (RuntimeException e) { // the library's reason, whatever it throws for text it cannot read
            errors.add(new FieldError("cron", "'" + spec.cron() + "' is not a cron expression: " + e.getMessage()));
        }
    }

    private static void validateInterval(String interval, List<FieldError> errors) {
        try {
            Duration d = Durations.parse(interval);
            if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
                errors.add(new FieldError("interval", "must be 1s to 366d, was '" + interval + "'"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("interval", e.getMessage()));
        }
    }

    private static String names(Stream<String> names) {
        return names.collect(Collectors.joining(", "));
    }
}
