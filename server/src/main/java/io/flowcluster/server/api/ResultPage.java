package io.flowcluster.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowcluster.server.store.PacketStore.StoredResult;
import java.util.List;

/** A page of a fanout step's results; {@code next} (absent on the last page) is the {@code after} of the next one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultPage(List<StoredResult> items, Integer next) {
}
