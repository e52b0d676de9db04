package dev.registry.core.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Distribution spec "Pulling manifests": the grammar of {@code <name>} and of a tag {@code <reference>}. */
class RepositoryNameAndReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"library/alpine", "project/team/app", "a.b/c_d/e__f/g-h/i--j", "0/1/2"})
    void namesInTheGrammarAreAccepted(String name) {
        assertThat(new RepositoryName(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "a/../b", "a//b", "/a", "a/", "-a", "a-", "a___b", "a..b", "a/%2F", "a b"})
    void namesOutsideTheGrammarAreNameInvalid(String name) {
        assertThatThrownBy(() -> new RepositoryName(name)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NAME_INVALID));
    }

    /** The spec's regular expression for {@code <name>}, as written there; the scanner must agree with it. */
    private static final Pattern SPEC_GRAMMAR = Pattern.compile(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

    @Test
    void theScannerAgreesWithTheSpecsRegularExpressionOnGeneratedNames() {
        // names built from the characters that matter at the boundaries: separators in runs, slashes, a stray upper case
        char[] alphabet = {'a', 'z', '0', '9', '.', '.', '_', '_', '-', '-', '/', '/', 'A', ' '};
        Random random = new Random(20261201);
        int accepted = 0;
        for (int k = 0; k < 200_000; k++) {
            StringBuilder name = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                name.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = name.toString();
            boolean spec = SPEC_GRAMMAR.matcher(s).matches();
            assertThat(RepositoryName.inGrammar(s)).as("'%s'", s).isEqualTo(spec);
            accepted += spec ? 1 : 0;
        }
        assertThat(accepted).as("the generated names include valid ones").isGreaterThan(1_000);
    }

    @Test
    void theLimitIs255Characters() {
        assertThat(new RepositoryName("a/" + "a".repeat(253)).value()).hasSize(255);
        assertThatThrownBy(() -> new RepositoryName("a/" + "a".repeat(254))).isInstanceOf(RegistryException.class);
        // a one-component name counts with its library/ prefix
        assertThat(new RepositoryName("a".repeat(247)).value()).hasSize(255);
        assertThatThrownBy(() -> new RepositoryName("a".repeat(248))).isInstanceOf(RegistryException.class)
                .hasMessage("repository name is 256 characters long as library/<name>; at most 255 are allowed");
    }

    @Test
    void theFirstComponentIsTheProjectAndASingleComponentBelongsToLibrary() {
        assertThat(new RepositoryName("project/team/app").project()).isEqualTo("project");
        assertThat(new RepositoryName("alpine").project()).isEqualTo("library");
    }

    /** Issue 11, correctness 2: {@code alpine} and {@code library/alpine} are one repository with one name. */
    @Test
    void aSingleComponentIsShortForItsLibraryNameWhichIsTheCanonicalOne() {
        assertThat(new RepositoryName("alpine").value()).isEqualTo("library/alpine");
        assertThat(new RepositoryName("alpine")).isEqualTo(new RepositoryName("library/alpine"));
        assertThat(new RepositoryName("alpine").pathInProject()).isEqualTo("alpine");
        assertThat(new RepositoryName("library").value()).isEqualTo("library/library");
        assertThat(RepositoryName.canonical("alpine")).isEqualTo("library/alpine");
        assertThat(RepositoryName.canonical("library/alpine")).isEqualTo("library/alpine");
        assertThat(RepositoryName.canonical("team/app")).isEqualTo("team/app");
        assertThat(RepositoryName.canonical("Not Valid")).isEqualTo("Not Valid");
    }

    @Test
    void aReferenceIsATagOfAtMost128CharactersOrADigest() {
        assertThat(Reference.parse("v1.0_rc-1").isTag()).isTrue();
        assertThat(Reference.parse("t".repeat(128)).tag()).hasSize(128);
        assertThat(Reference.parse("sha256:" + "a".repeat(64)).isTag()).isFalse();
        assertThatThrownBy(() -> Reference.parse("t".repeat(129))).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
        assertThatThrownBy(() -> Reference.parse(".hidden")).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> Reference.parse("sha256:short")).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DIGEST_INVALID));
    }
}
