package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodOverrides {

    @JsonPropertyDescription("Extra labels on the server pods.")
    public Map<String, String> labels;

    @JsonPropertyDescription("Extra annotations on the server pods.")
    public Map<String, String> annotations;

    @JsonPropertyDescription("Node selector of the server pods.")
    public Map<String, String> nodeSelector;

    @JsonPropertyDescription("Affinity of the server pods (e.g. anti-affinity across nodes).")
    public Affinity affinity;

    @JsonPropertyDescription("Tolerations of the server pods.")
    public List<Toleration> tolerations;

    @JsonPropertyDescription("Topology spread constraints of the server pods.")
    public List<TopologySpreadConstraint> topologySpreadConstraints;

    @JsonPropertyDescription("Priority class of the server pods.")
    public String priorityClassName;

    @JsonPropertyDescription("Extra environment variables of the server container (e.g. FLOW_* settings).")
    public List<EnvVar> env;
}
