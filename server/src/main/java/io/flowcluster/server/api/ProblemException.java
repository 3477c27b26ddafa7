package io.flowcluster.server.api;

import io.flowcluster.server.job.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/** Ends a request with a problem+json response. */
public class ProblemException extends RuntimeException {

    /** Problem types, documented in docs/api.md. */
    public enum Type {
        INVALID_REQUEST("invalid-request", "Invalid request", 400),
        MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
        UNAUTHORIZED("unauthorized", "Missing or wrong API token", 401),
        NOT_FOUND("not-found", "Not found", 404),
        JOB_FINISHED("job-finished", "Job has finished", 409),
        SCHEDULE_EXISTS("schedule-exists", "A schedule of that name exists", 409),
        MEMBER_DEAD("member-dead", "Member is dead", 409),
        BODY_TOO_LARGE("body-too-large", "Request body too large", 413),
        UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
        IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Idempotency-Key reused with another request",
                422),
        DATABASE_UNAVAILABLE("database-unavailable", "Database unavailable", 503);

        private final String slug;
        private final String title;
        private final int status;

        Type(String slug, String title, int status) {
            this.slug = slug;
            this.title = title;
            this.status = status;
        }

        public String uri() {
            return "https://flowcluster.io/problems/" + slug;
        }

        public String title() {
            return title;
        }

        public int status() {
            return status;
        }
    }

    private final Type type;
    private final List<FieldError> errors;

    public ProblemException(Type type, String detail) {
        this(type, detail, List.of());
    }

    public ProblemException(Type type, String detail, List<FieldError> errors) {
        super(detail);
        this.type = type;
        this.errors = errors;
    }

    /** A 400 that lists every field's error, and sums them up in its detail. */
    public static ProblemException invalid(List<FieldError> errors) {
        return new ProblemException(Type.INVALID_REQUEST,
                errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")), errors);
    }

    public Type type() {
        return type;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
