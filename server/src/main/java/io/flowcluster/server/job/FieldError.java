package io.flowcluster.server.job;

/** One thing wrong with a request: where ({@code steps[2].dependsOn[0]}) and what. */
public record FieldError(String field, String message) {
}
