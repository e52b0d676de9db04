package dev.registry.core.immutability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.RegistryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Doublestar globs as Harbor's rules use them (github.com/bmatcuk/doublestar semantics). */
class DoublestarPatternTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "**            | app                | true",
            "**            | team/tools/app     | true",
            "*             | app                | true",
            "*             | team/app           | false",
            "team/*        | team/app           | true",
            "team/*        | team/tools/app     | false",
            "team/**       | team/tools/app     | true",
            "**/app        | app                | true",
            "**/app        | team/tools/app     | true",
            "**/app        | team/apps          | false",
            "v?.0          | v1.0               | true",
            "v?.0          | v10.0              | false",
            "release-{1,2}.* | release-1.4      | true",
            "release-{1,2}.* | release-3.0      | false",
            "1.0           | 1.0                | true",
            "1.0           | 1x0                | false",
            "latest        | latest-1           | false",
    })
    void aPatternMatchesTheWholeName(String glob, String input, boolean expected) {
        assertThat(DoublestarPattern.compile(glob, "tagPattern").matches(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"'{a,b'", "'a}'", "''"})
    void anUnbalancedOrEmptyPatternIsRefusedNamingTheField(String glob) {
        assertThatThrownBy(() -> DoublestarPattern.compile(glob, "tagPattern")).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).detail()).isEqualTo(java.util.Map.of("field", "tagPattern")));
    }
}
