package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ApiSpec {

    @JsonPropertyDescription("The Secret holding the API token; without it the operator generates <name>-api-token.")
    public TokenSecretRef tokenSecretRef;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TokenSecretRef {

        @JsonPropertyDescription("Name of the Secret, in the FlowCluster's namespace.")
        @Required
        public String name;

        @JsonPropertyDescription("Key of the token in the Secret.")
        @Default(Defaults.TOKEN_KEY)
        public String key;
    }
}
