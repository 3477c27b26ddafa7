package io.flowcluster.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubernetesVersionTest {

    @Test
    void theOldestSupportedIsTheFirstWithCelValidationGenerallyAvailable() {
        assertThat(KubernetesVersion.parse("1", "34")).hasValueSatisfying(v -> assertThat(v.supported()).isTrue());
        assertThat(KubernetesVersion.parse("1", "29+")).as("providers add suffixes").hasValueSatisfying(v -> assertThat(v.supported()).isTrue());
        assertThat(KubernetesVersion.parse("1", "28")).hasValueSatisfying(v -> assertThat(v.supported()).isFalse());
        assertThat(KubernetesVersion.parse("2", "0")).hasValueSatisfying(v -> assertThat(v.supported()).isTrue());
        assertThat(KubernetesVersion.parse("", null)).isEmpty();
        assertThat(KubernetesVersion.parse("0", "0")).as("no release, so no verdict").isEmpty();
    }
}
