package io.flowcluster.server.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowcluster.server.job.JobState;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobsEndedTest {

    @Test
    void manyJobsTakeSeveralPayloadsEachUnderPostgresLimitAndEveryJobComesBack() {
        Map<UUID, JobState> ended = new LinkedHashMap<>();
        for (int i = 0; i < 1_000; i++) {
            ended.put(UUID.randomUUID(), JobState.values()[i % JobState.values().length]);
        }
        List<String> payloads = JobsEnded.payloads(ended);

        assertThat(payloads).hasSizeGreaterThan(1)
                .allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(JobsEnded.MAX_PAYLOAD));
        Map<UUID, JobState> parsed = new LinkedHashMap<>();
        payloads.forEach(p -> parsed.putAll(JobsEnded.parse(p)));
        assertThat(parsed).containsExactlyEntriesOf(ended);
    }

    @Test
    void whatDoesNotParseIsLeftOut() {
        UUID id = UUID.randomUUID();
        assertThat(JobsEnded.parse("SUCCEEDED " + id + ",nonsense,DONE " + UUID.randomUUID() + ",FAILED x,,"))
                .containsExactly(Map.entry(id, JobState.SUCCEEDED));
        assertThat(JobsEnded.parse(null)).as("notifications were lost").isEmpty();
        assertThat(JobsEnded.parse("")).isEmpty();
    }
}
