/**
 * The web console: server-rendered pages (Thymeleaf, htmx) at {@code /projects}, {@code /admin},
 * {@code /account}, signed in with a form and a session kept in the database (Spring Session JDBC).
 * It depends on registry-core alone and calls its services; every decision about who may see or do
 * what is {@link dev.registry.core.access.AccessService}'s, as on {@code /v2} and {@code /api/v1}.
 */
package dev.registry.web;
