package dev.registry.api.config;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON request bodies are read strictly: a property no field takes, and a value of the wrong JSON
 * type ({@code "name": 5}, {@code "quotaBytes": 1.5}, {@code "public": "true"}, an enum as a
 * number) are refused instead of ignored or coerced, so what is stored is what the client meant.
 * The management API turns each refusal into a 400 naming the field (ManagementErrors).
 *
 * <p>Only Spring's mapper changes: the request bodies of {@code /api/v1} are the only JSON it
 * reads. Manifests and indexes on {@code /v2} are parsed by the core's own mapper
 * (ManifestParser) and keep their rules, and everything else only writes JSON.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictJsonInput() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
