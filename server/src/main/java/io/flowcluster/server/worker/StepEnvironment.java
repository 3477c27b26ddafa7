package io.flowcluster.server.worker;

import io.flowcluster.server.store.Claim;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment a command step sees. It never inherits the server's own environment,
 * which holds the API token and database credentials: only a few harmless variables pass.
 */
final class StepEnvironment {

    static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private StepEnvironment() {
    }

    static Map<String, String> of(Claim claim, Map<String, String> serverEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = serverEnv.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("FLOW_JOB_ID", claim.jobId().toString());
        env.put("FLOW_JOB_NAME", claim.jobName());
        env.put("FLOW_STEP", claim.spec().name());
        env.put("FLOW_ATTEMPT", Integer.toString(claim.attempt()));
        claim.parameters().forEach((name, value) -> env.put("FLOW_PARAM_" + name, value));
        env.putAll(claim.spec().environment());
        return env;
    }
}
