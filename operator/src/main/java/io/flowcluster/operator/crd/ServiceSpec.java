package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {

    @JsonPropertyDescription("ClusterIP, NodePort or LoadBalancer.")
    @Default(Defaults.SERVICE_TYPE)
    public Type type;

    @JsonPropertyDescription("Annotations of the client Service (e.g. for a cloud load balancer).")
    public Map<String, String> annotations;

    public enum Type {
        ClusterIP, NodePort, LoadBalancer
    }
}
