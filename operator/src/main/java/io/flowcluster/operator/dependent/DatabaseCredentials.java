package io.flowcluster.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.flowcluster.operator.desired.DatabaseObjects;

/** The embedded database's credentials, with a generated password: created once, never replaced. */
public class DatabaseCredentials extends CreatedOnce<Secret> {

    public DatabaseCredentials() {
        super(Secret.class, fc -> DatabaseObjects.credentials(fc, GeneratedSecrets.random()));
    }
}
