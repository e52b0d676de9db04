package dev.registry.core.jpa;

/**
 * {@code LIKE} patterns for the registry's SQL, written {@code column LIKE :pattern ESCAPE '!'}: the text searched for
 * is taken literally ({@code %}, {@code _} and {@code !} in it match themselves), on PostgreSQL and H2 alike.
 */
public final class Like {

    private Like() {
    }

    /** The pattern of values containing {@code text} (every value when null or empty). */
    public static String containing(String text) {
        return "%" + (text == null ? "" : text.replace("!", "!!").replace("%", "!%").replace("_", "!_")) + "%";
    }
}
