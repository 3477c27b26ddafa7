package io.flowcluster.server.store;

import java.time.Duration;
import java.util.List;

/** What one round of firing did: the schedules it handled, and each fired tick's lateness (fire time minus tick time). */
public record FiringReport(int schedules, List<Duration> lateness, long missed, long skipped) {

    public int fired() {
        return lateness.size();
    }
}
