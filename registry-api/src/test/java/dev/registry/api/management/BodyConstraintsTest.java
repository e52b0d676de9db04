package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.Constraint;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The request bodies' constraints, checked without a Bean Validation provider ({@link BodyConstraints}): each
 * annotation means what the Jakarta Validation 3.1 API documents for it (null is valid for every constraint but
 * {@code @NotBlank}; {@code @Size}'s bounds are inclusive), every violation of a body is reported, and no body of the
 * API carries a constraint that would go unchecked.
 */
class BodyConstraintsTest extends ManagementTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Person(@NotBlank String name, @Size(min = 2, max = 4) String code, @Size(max = 2) List<String> tags,
                  @Min(-1) Long quota, @PositiveOrZero Integer count, @Email String email, @Valid Address address) {
    }

    record Address(@NotBlank String city, String street) {
    }

    record Custom(@NotBlank(message = "is required") String name) {
    }

    record Unchecked(@Pattern(regexp = "[a-z]+") String name) {
    }

    record UncheckedElements(List<@NotBlank String> names) {
    }

    private static final Address CITY = new Address("Ghent", null);

    @Test
    void every_valid_request_body_of_the_api_is_a_record_whose_constraints_are_all_checked() {
        // given every @Valid @RequestBody parameter of every handler
        Set<String> bodies = new TreeSet<>();
        Set<String> constraints = new TreeSet<>();
        for (HandlerMethod handler : mappings.getHandlerMethods().values()) {
            for (Parameter parameter : handler.getMethod().getParameters()) {
                if (parameter.isAnnotationPresent(RequestBody.class) && parameter.isAnnotationPresent(Valid.class)) {
                    Class<?> type = parameter.getType();
                    bodies.add(type.getSimpleName());
                    // then each is a record, BodyConstraints accepts its annotations (it throws on one it does not know),
                    assertThat(type.isRecord()).as(type.getName()).isTrue();
                    assertThat(BodyConstraints.rulesOf(type)).isNotNull();
                    Arrays.stream(type.getDeclaredFields()).flatMap(f -> Arrays.stream(f.getAnnotations()))
                            .map(Annotation::annotationType).filter(a -> a.isAnnotationPresent(Constraint.class))
                            .forEach(a -> constraints.add(a.getSimpleName()));
                }
            }
        }
        // and the scan found the API's bodies and the constraints they carry
        assertThat(bodies).contains("NewUser", "NewProject", "NewSystemRobot", "PasswordChange");
        assertThat(constraints).containsExactlyInAnyOrder("NotBlank", "Size", "Min", "PositiveOrZero", "Email");
    }

    @Test
    void a_body_that_keeps_every_rule_has_no_errors() {
        assertThat(errors(new Person("ann", "ab", List.of("x", "y"), -1L, 0, "ann@example.com", CITY))).isEmpty();
        // null is valid for every constraint but @NotBlank, and a null @Valid component is not descended into
        assertThat(errors(new Person("ann", null, null, null, null, null, null))).isEmpty();
    }

    @Test
    void not_blank_refuses_null_empty_and_whitespace_only() {
        for (String name : Arrays.asList(null, "", " ", "\t\n")) {
            assertThat(errors(new Person(name, null, null, null, null, null, null)))
                    .as("name %s", name).containsExactly(Map.entry("name", "must not be blank"));
        }
        assertThat(errors(new Person(" a ", null, null, null, null, null, null))).isEmpty();
    }

    @Test
    void size_bounds_are_inclusive_for_strings_and_collections() {
        assertThat(errors(new Person("a", "abcd", List.of("1", "2"), null, null, null, null))).isEmpty();
        assertThat(errors(new Person("a", "a", null, null, null, null, null)))
                .containsExactly(Map.entry("code", "size must be between 2 and 4"));
        assertThat(errors(new Person("a", "abcde", List.of("1", "2", "3"), null, null, null, null)))
                .containsExactly(Map.entry("code", "size must be between 2 and 4"), Map.entry("tags", "size must be between 0 and 2"));
    }

    @Test
    void min_and_positive_or_zero_are_lower_bounds_that_include_the_bound() {
        assertThat(errors(new Person("a", null, null, -1L, 0, null, null))).isEmpty();
        assertThat(errors(new Person("a", null, null, -2L, -1, null, null))).containsExactly(
                Map.entry("count", "must be greater than or equal to 0"), Map.entry("quota", "must be greater than or equal to -1"));
        assertThat(errors(new Person("a", null, null, Long.MIN_VALUE, Integer.MIN_VALUE, null, null))).hasSize(2);
    }

    @Test
    void email_accepts_addresses_and_the_empty_string_and_refuses_the_rest() {
        for (String good : List.of("", "ann@example.com", "first.last+tag@sub.example.co.uk", "admin@localhost",
                "o'brien@example.org", "jürgen@münchen.example", "ann@[192.168.0.1]", "x-y_z@a-b.example")) {
            assertThat(BodyConstraints.isEmailAddress(good)).as(good).isTrue();
        }
        for (String bad : List.of("not-an-address", "@example.com", "ann@", "ann@@example.com", "ann@exa mple.com",
                ".ann@example.com", "ann.@example.com", "a..b@example.com", "ann@-example.com", "ann@example-.com",
                "ann@example..com", "ann@example.com.", "ann smith@example.com", "ann@exam_ple.com",
                "a".repeat(65) + "@example.com", "ann@" + "a".repeat(64) + ".com")) {
            assertThat(BodyConstraints.isEmailAddress(bad)).as(bad).isFalse();
        }
        assertThat(errors(new Person("a", null, null, null, null, "ann at example.com", null)))
                .containsExactly(Map.entry("email", "must be a well-formed email address"));
    }

    @Test
    void a_valid_component_is_checked_under_its_name() {
        assertThat(errors(new Person("a", null, null, null, null, null, new Address(" ", "Main Street"))))
                .containsExactly(Map.entry("address.city", "must not be blank"));
    }

    @Test
    void a_message_written_on_the_annotation_replaces_the_standard_one() {
        assertThat(errors(new Custom(""))).containsExactly(Map.entry("name", "is required"));
    }

    @Test
    void a_constraint_it_does_not_check_is_refused_rather_than_skipped() {
        assertThatThrownBy(() -> errors(new Unchecked("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@Pattern").hasMessageContaining("Unchecked.name");
        assertThatThrownBy(() -> errors(new UncheckedElements(List.of("x")))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("type argument");
    }

    @Test
    void every_violation_of_a_request_body_is_a_400_problem_naming_each_field() {
        // (RFC 9457 problem JSON with one entry per field, as for every bad input on /api)
        JsonNode problem = assertProblem(send(admin, "POST", "/api/v1/users",
                "{\"username\":\" \",\"password\":\"\",\"email\":\"not-an-address\",\"fullName\":\"" + "x".repeat(256) + "\"}"),
                400, "username");
        assertThat(problem.get("errors").valueStream().map(e -> e.get("field").asString()))
                .containsExactly("email", "fullName", "password", "username");
        assertThat(problem.get("detail").asString()).isEqualTo("email must be a well-formed email address; "
                + "fullName size must be between 0 and 255; password must not be blank; username must not be blank");
        assertProblem(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + unique("quota") + "\",\"quotaBytes\":-5}"),
                400, "quotaBytes");
        assertThat(users.find("").isPresent()).isFalse();
    }

    /** The field errors of the body, as field → message in the order of the fields' names. */
    private static List<Map.Entry<String, String>> errors(Object body) {
        BeanPropertyBindingResult result = new BeanPropertyBindingResult(body, "body");
        new BodyConstraints().validate(body, result);
        List<Map.Entry<String, String>> errors = new ArrayList<>();
        for (FieldError error : result.getFieldErrors()) {
            errors.add(Map.entry(error.getField(), error.getDefaultMessage()));
        }
        errors.sort(Map.Entry.comparingByKey());
        return errors;
    }
}
