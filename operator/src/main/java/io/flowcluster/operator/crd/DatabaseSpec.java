package io.flowcluster.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.embedded) && has(self.external))",
        message = "give either database.embedded or database.external, not both")
public class DatabaseSpec {

    @JsonPropertyDescription("A single PostgreSQL run by the operator, with a PersistentVolumeClaim (the default).")
    public Embedded embedded;

    @JsonPropertyDescription("An existing PostgreSQL, reached with the keys of a Secret.")
    public External external;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Embedded {

        @JsonPropertyDescription("Size of its volume.")
        @Default(Defaults.DB_SIZE)
        @Pattern("^[0-9]+(Ki|Mi|Gi|Ti)?$")
        public String size;

        @JsonPropertyDescription("StorageClass of its volume; the cluster's default when empty.")
        public String storageClass;

        @JsonPropertyDescription("The PostgreSQL image.")
        @Default(Defaults.DB_IMAGE)
        public String image;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.secretRef) && size(self.secretRef.name) > 0",
            message = "an external database needs secretRef.name: a Secret with the JDBC URL, user and password")
    public static class External {

        @JsonPropertyDescription("The Secret holding the connection.")
        @Required
        public SecretRef secretRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SecretRef {

        @JsonPropertyDescription("Name of the Secret, in the FlowCluster's namespace.")
        @Required
        public String name;

        @JsonPropertyDescription("Key of the JDBC URL (jdbc:postgresql://host:5432/db).")
        @Default(Defaults.URL_KEY)
        public String urlKey;

        @JsonPropertyDescription("Key of the user name.")
        @Default(Defaults.USER_KEY)
        public String userKey;

        @JsonPropertyDescription("Key of the password.")
        @Default(Defaults.PASSWORD_KEY)
        public String passwordKey;
    }
}
