package io.flowcluster.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The Argo CD health check, run as Argo CD runs it (Lua, the resource as the global {@code obj}). */
class ArgoHealthCheckTest {

    private static final Path SCRIPT = ChartTest.ROOT.resolve("argocd/health-flowcluster.lua");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noStatusYetIsProgressing() throws Exception {
        assertThat(health("{\"metadata\": {\"generation\": 1}}")).containsEntry("status", "Progressing");
        assertThat(health("{}")).containsEntry("status", "Progressing");
    }

    @Test
    void aStatusForAnOlderGenerationIsProgressing() throws Exception {
        assertThat(health("""
                {"metadata": {"generation": 3}, "status": {"observedGeneration": 2,
                 "conditions": [{"type": "Ready", "status": "True"}]}}"""))
                .containsEntry("status", "Progressing").containsEntry("message", "Waiting for the operator to observe generation 3");
    }

    @Test
    void readyIsHealthy() throws Exception {
        assertThat(health("""
                {"metadata": {"generation": 2}, "status": {"observedGeneration": 2, "conditions": [
                  {"type": "Degraded", "status": "False"},
                  {"type": "Ready", "status": "True", "message": "3 nodes ready, scheduler flow-1"}]}}"""))
                .containsEntry("status", "Healthy").containsEntry("message", "3 nodes ready, scheduler flow-1");
    }

    @Test
    void degradedWinsOverReady() throws Exception {
        assertThat(health("""
                {"metadata": {"generation": 2}, "status": {"observedGeneration": 2, "conditions": [
                  {"type": "Ready", "status": "True"},
                  {"type": "Degraded", "status": "True", "reason": "CrashLoopBackOff", "message": "a server pod cannot start"}]}}"""))
                .containsEntry("status", "Degraded").containsEntry("message", "a server pod cannot start");
    }

    @Test
    void missingConditionsOrFieldsNeverCrashIt() throws Exception {
        assertThat(health("{\"status\": {}}")).containsEntry("status", "Progressing");
        assertThat(health("{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": [{}]}}"))
                .containsEntry("status", "Progressing");
        assertThat(health("{\"metadata\": {\"generation\": 1}, \"status\": {\"observedGeneration\": 1, \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\", \"message\": \"1 of 3 server pods ready\"}]}}"))
                .containsEntry("message", "1 of 3 server pods ready");
    }

    @Test
    void theArgoCdConfigMapCarriesThisScript() throws Exception {
        JsonNode cm = new YAMLMapper().readTree(ChartTest.ROOT.resolve("argocd/argocd-cm.yaml").toFile());
        assertThat(cm.at("/data/resource.customizations.health.flowcluster.io_FlowCluster").asText())
                .isEqualTo(Files.readString(SCRIPT));
    }

    /** Argo CD's verdict on a resource: {@code status} and {@code message}. */
    static Map<String, String> health(String resource) throws Exception {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", lua(JSON.readTree(resource)));
        LuaValue result = globals.load(Files.readString(SCRIPT), "health.lua").call();
        return Map.of("status", result.get("status").tojstring(), "message", result.get("message").tojstring());
    }

    /** JSON as Lua tables, as Argo CD hands a resource to its scripts. */
    private static LuaValue lua(JsonNode node) {
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                table.set(e.getKey(), lua(e.getValue()));
            }
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, lua(node.get(i)));
            }
            return table;
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.asDouble());
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.asBoolean());
        }
        return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
    }
}
