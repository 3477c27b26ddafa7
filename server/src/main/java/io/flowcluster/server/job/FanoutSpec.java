package io.flowcluster.server.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a {@code fanout} step processes: a list of records ({@code items}) or the integers
 * {@code range.from} (inclusive) to {@code range.to} (exclusive). Item {@code n} is the
 * n-th record or {@code from + n}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FanoutSpec(List<JsonNode> items, Range range) {

    public record Range(Long from, Long to) {
    }

    /** Valid only after {@link JobValidator} accepted the step. */
    @JsonIgnore
    public int itemCount() {
        return items != null ? items.size() : (int) (range.to() - range.from());
    }
}
