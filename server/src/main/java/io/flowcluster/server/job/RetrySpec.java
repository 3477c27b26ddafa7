package io.flowcluster.server.job;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Retries of a failed step: up to {@code limit} more attempts, the n-th after
 * {@code backoff * multiplier^(n-1)}, never more than {@code maxBackoff}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrySpec(Integer limit, String backoff, String maxBackoff, Double multiplier) {
}
