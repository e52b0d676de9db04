package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Proxy cache settings on PostgreSQL")
class ProxyOnPostgresTest extends ProxyScenarios {
}
