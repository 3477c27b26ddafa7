package io.flowcluster.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void aStatefulSetThatCannotCreateItsPodsSaysWhy() {
        Event failed = event("FailedCreate", "fc", NOW.minusSeconds(30),
                "create Pod fc-0 in StatefulSet fc failed error: Pod fc-0 is invalid: spec.containers[0].lifecycle.preStop: Required value");
        assertThat(Blocker.failedCreate(sts(3, 0), List.of(failed), NOW)).hasValueSatisfying(b -> {
            assertThat(b.reason()).isEqualTo("FailedCreate");
            assertThat(b.message()).contains("StatefulSet fc cannot create its pods", "preStop: Required value");
        });
    }

    @Test
    void oldOrUnrelatedEventsOrAFullStatefulSetAreNoBlocker() {
        Event old = event("FailedCreate", "fc", NOW.minusSeconds(600), "quota");
        Event other = event("FailedCreate", "fc-db", NOW, "quota");
        Event scheduled = event("SuccessfulCreate", "fc", NOW, "created");
        assertThat(Blocker.failedCreate(sts(3, 0), List.of(old, other, scheduled), NOW)).isEmpty();
        assertThat(Blocker.failedCreate(sts(3, 3), List.of(event("FailedCreate", "fc", NOW, "x")), NOW)).isEmpty();
    }

    @Test
    void anUnboundDatabaseVolumeCountsAfterAMinute() {
        PersistentVolumeClaim pending = new PersistentVolumeClaimBuilder().withNewMetadata().withName("data-fc-db-0")
                .withCreationTimestamp(NOW.minusSeconds(90).toString()).endMetadata()
                .withNewSpec().endSpec().withNewStatus().withPhase("Pending").endStatus().build();
        assertThat(Blocker.unboundVolume(List.of(pending), NOW)).hasValueSatisfying(b -> {
            assertThat(b.reason()).isEqualTo("VolumeNotBound");
            assertThat(b.message()).contains("data-fc-db-0", "no StorageClass");
        });
        assertThat(Blocker.unboundVolume(List.of(pending), NOW.minusSeconds(60))).as("still within the grace").isEmpty();
    }

    private static Optional<StatefulSet> sts(int wanted, int created) {
        return Optional.of(new StatefulSetBuilder().withNewMetadata().withName("fc").endMetadata()
                .withNewSpec().withReplicas(wanted).endSpec().withNewStatus().withReplicas(created).endStatus().build());
    }

    private static Event event(String reason, String sts, Instant at, String message) {
        return new EventBuilder().withNewMetadata().withName(sts + "." + reason).endMetadata().withReason(reason).withMessage(message)
                .withNewInvolvedObject().withKind("StatefulSet").withName(sts).endInvolvedObject().withLastTimestamp(at.toString()).build();
    }
}
