package io.flowcluster.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flowcluster.e2e.harness.ArgoHealth;
import io.flowcluster.e2e.harness.Repository;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The Argo CD health check, run as Argo CD runs it (Lua, the resource as the global {@code obj}). */
class ArgoHealthCheckTest {

    @Test
    void noStatusYetIsProgressing() throws Exception {
        assertThat(ArgoHealth.health("{\"metadata\": {\"generation\": 1}}")).containsEntry("status", "Progressing");
        assertThat(ArgoHealth.health("{}")).containsEntry("status", "Progressing");
    }

    @Test
    void aStatusForAnOlderGenerationIsProgressing() throws Exception {
        assertThat(ArgoHealth.health("""
                {"metadata": {"generation": 3}, "status": {"observedGeneration": 2,
                 "conditions": [{"type": "Ready", "status": "True"}]}}"""))
                .containsEntry("status", "Progressing").containsEntry("message", "Waiting for the operator to observe generation 3");
    }

    @Test
    void readyIsHealthy() throws Exception {
        assertThat(ArgoHealth.health("""
                {"metadata": {"generation": 2}, "status": {"observedGeneration": 2, "conditions": [
                  {"type": "Degraded", "status": "False"},
                  {"type": "Ready", "status": "True", "message": "3 nodes ready, scheduler flow-1"}]}}"""))
                .containsEntry("status", "Healthy").containsEntry("message", "3 nodes ready, scheduler flow-1");
    }

    @Test
    void degradedWinsOverReady() throws Exception {
        assertThat(ArgoHealth.health("""
                {"metadata": {"generation": 2}, "status": {"observedGeneration": 2, "conditions": [
                  {"type": "Ready", "status": "True"},
                  {"type": "Degraded", "status": "True", "reason": "CrashLoopBackOff", "message": "a server pod cannot start"}]}}"""))
                .containsEntry("status", "Degraded").containsEntry("message", "a server pod cannot start");
    }

    @Test
    void missingConditionsOrFieldsNeverCrashIt() throws Exception {
        assertThat(ArgoHealth.health("{\"status\": {}}")).containsEntry("status", "Progressing");
        assertThat(ArgoHealth.health("{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": [{}]}}"))
                .containsEntry("status", "Progressing");
        assertThat(ArgoHealth.health("{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\", \"message\": \"1 of 3 server pods ready\"}]}}"))
                .containsEntry("message", "1 of 3 server pods ready");
    }

    @Test
    void theArgoCdConfigMapCarriesThisScript() throws Exception {
        JsonNode cm = new YAMLMapper().readTree(Repository.ROOT.resolve("argocd/argocd-cm.yaml").toFile());
        assertThat(cm.at("/data/resource.customizations.health.flowcluster.io_FlowCluster").asText())
                .isEqualTo(Files.readString(ArgoHealth.SCRIPT));
    }
}
