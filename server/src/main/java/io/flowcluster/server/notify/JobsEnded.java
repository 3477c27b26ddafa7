package io.flowcluster.server.notify;

import io.flowcluster.server.job.JobState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The payload of {@link Channel#ENDED}: the jobs that ended, each with its end, as
 * {@code STATE id} separated by commas. A notification's payload must stay under 8,000
 * bytes, so many jobs take several.
 */
public final class JobsEnded {

    /** Bytes per payload at most: under PostgreSQL's limit of 8,000. */
    static final int MAX_PAYLOAD = 7_900;

    private JobsEnded() {
    }

    public static List<String> payloads(Map<UUID, JobState> ended) {
        List<String> payloads = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        ended.forEach((id, state) -> {
            String one = state.name() + " " + id;
            if (current.length() > 0 && current.length() + 1 + one.length() > MAX_PAYLOAD) {
                payloads.add(current.toString());
                current.setLength(0);
            }
            current.append(current.length() > 0 ? "," : "").append(one);
        });
        if (current.length() > 0) {
            payloads.add(current.toString());
        }
        return payloads;
    }

    /** The jobs a payload names; what does not parse is left out (a payload is only a hint). */
    public static Map<UUID, JobState> parse(String payload) {
        Map<UUID, JobState> ended = new LinkedHashMap<>();
        if (payload == null || payload.isEmpty()) {
            return ended;
        }
        for (String one : payload.split(",")) {
            int space = one.indexOf(' ');
            try {
                ended.put(UUID.fromString(one.substring(space + 1)), JobState.valueOf(one.substring(0, Math.max(space, 0))));
            } catch (IllegalArgumentException e) {
                // not ours: ignored
            }
        }
        return ended;
    }
}
