package dev.registry.core.fuzz;

import static dev.registry.core.fuzz.UntrustedInput.check;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.registry.core.access.Grant;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.artifact.internal.ManifestParser;
import dev.registry.storage.Digest;
import dev.registry.storage.InvalidDigestException;

/**
 * Fuzz targets for the registry-core parsers that take untrusted input (issue 11, "how to keep it
 * so"): pushed manifests and indexes, references (tags and digests), repository names and token
 * scopes. The property is {@link UntrustedInput#check}.
 *
 * <p>A plain test run ({@code ./mvnw verify}) runs each target once per input kept in
 * {@code src/test/resources/dev/registry/core/fuzz/ParsersFuzzTestInputs/<method>/} (Jazzer's
 * regression mode): fast, and every input once found stays checked. To fuzz, see the README
 * ("Fuzzing"): {@code JAZZER_FUZZ=1} and one target at a time.
 */
class ParsersFuzzTest {

    private static final String[] CONTENT_TYPES = {MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, "application/json", "application/vnd.docker.distribution.manifest.v1+json", ""};

    private final ManifestParser parser = new ManifestParser();

    @FuzzTest(maxDuration = "2m")
    @DictionaryEntries({"\"schemaVersion\":2", "\"mediaType\"", "\"config\"", "\"layers\"", "\"manifests\"",
            "\"digest\"", "\"size\"", "\"subject\"", "\"artifactType\"", "\"annotations\"", "\"urls\"",
            "\"platform\"", "sha256:", "sha512:", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "null", "[]", "{}"})
    void manifest(FuzzedDataProvider data) {
        String contentType = data.consumeBoolean() ? data.pickValue(CONTENT_TYPES) : null;
        byte[] content = data.consumeRemainingAsBytes();
        check(content, bytes -> parser.parse(bytes, contentType == null || contentType.isEmpty() ? null : contentType));
    }

    @FuzzTest(maxDuration = "1m")
    void reference(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        check(value, v -> {
            Reference parsed = Reference.parse(v);
            assertThat(parsed.toString()).isEqualTo(v);
        });
    }

    @FuzzTest(maxDuration = "1m")
    void digest(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        check(value, v -> assertThat(Digest.parse(v).toString()).isEqualTo(v), InvalidDigestException.class);
    }

    @FuzzTest(maxDuration = "1m")
    void repositoryName(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        check(value, v -> {
            RepositoryName name = new RepositoryName(v);
            assertThat(name.project()).isNotEmpty();
        });
    }

    /** Grant.parse answers null for a scope of the wrong shape: nothing may be thrown at all. */
    @FuzzTest(maxDuration = "1m")
    void tokenScope(FuzzedDataProvider data) {
        String scope = data.consumeRemainingAsString();
        Grant grant = Grant.parse(scope);
        if (grant != null) {
            assertThat(grant.type()).isNotEmpty();
            assertThat(grant.name()).isNotEmpty();
            assertThat(grant.actions().isEmpty() || Grant.parse(grant.toScope()) != null).isTrue();
        }
    }
}
