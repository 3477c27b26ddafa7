package io.flowcluster.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The repository's Argo CD health check, run as Argo CD runs it (Lua, the resource as the global {@code obj}). */
public final class ArgoHealth {

    public static final Path SCRIPT = Repository.ROOT.resolve("argocd/health-flowcluster.lua");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgoHealth() {
    }

    /** Argo CD's verdict on a resource: {@code status} and {@code message}. */
    public static Map<String, String> health(String resource) throws Exception {
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
