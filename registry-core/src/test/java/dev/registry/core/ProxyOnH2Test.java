package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Proxy cache settings on H2 (PostgreSQL mode)")
class ProxyOnH2Test extends ProxyScenarios {
}
