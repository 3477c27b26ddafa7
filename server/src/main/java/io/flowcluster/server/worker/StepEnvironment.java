package io.flowcluster.server.worker;

import io.flowcluster.server.job.StepSpec;
import io.flowcluster.server.store.Claim;
import io.flowcluster.server.store.PacketClaim;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The environment a command step sees. It never inherits the server's own environment,
 * which holds the API token and database credentials: only a few harmless variables pass.
 */
public final class StepEnvironment {

    static final List<String> INHERITED = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR");

    private StepEnvironment() {
    }

    static Map<String, String> of(Claim claim, Map<String, String> serverEnv) {
        return of(claim.jobId(), claim.jobName(), claim.spec(), claim.attempt(), claim.parameters(), serverEnv);
    }

    /** The same for one item of a fanout packet: {@code attempt} is the packet's. */
    public static Map<String, String> of(PacketClaim packet, Map<String, String> serverEnv) {
        return of(packet.jobId(), packet.jobName(), packet.handler(), packet.attempt(), packet.parameters(), serverEnv);
    }

    private static Map<String, String> of(UUID jobId, String jobName, StepSpec spec, int attempt,
            Map<String, String> parameters, Map<String, String> serverEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = serverEnv.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("FLOW_JOB_ID", jobId.toString());
        env.put("FLOW_JOB_NAME", jobName);
        env.put("FLOW_STEP", spec.name());
        env.put("FLOW_ATTEMPT", Integer.toString(attempt));
        parameters.forEach((name, value) -> env.put("FLOW_PARAM_" + name, value));
        env.putAll(spec.environment());
        return env;
    }
}
