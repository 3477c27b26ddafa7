package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A page of schedules by name; pass {@code next} as {@code after} for the next page. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleListView(List<ScheduleView> items, String next) {
}
