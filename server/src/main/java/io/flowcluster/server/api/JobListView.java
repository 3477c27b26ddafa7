package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A page of jobs, newest first; pass {@code nextCursor} as {@code cursor} for the next page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobListView(List<JobView> items, String nextCursor) {
}
