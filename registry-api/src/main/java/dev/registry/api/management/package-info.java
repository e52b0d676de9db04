/**
 * The management API under {@code /api/v1}: projects, members, users, robot accounts,
 * repositories and artifacts, the audit log and system information, documented as OpenAPI 3 at
 * {@code /api/v1/openapi.json}.
 *
 * <p>One controller per resource. Controllers translate HTTP to service calls and back: they
 * name the {@link dev.registry.core.access.Action} an operation needs ({@link ManagementAccess}
 * asks {@link dev.registry.core.access.AccessService}, the same decision {@code /v2} uses) and
 * hold no other rule. Every failure leaves as RFC 9457 problem JSON ({@link ManagementErrors});
 * every list pages the same way ({@link Paging}). docs/management-api.md lists each endpoint with
 * the action it needs.
 */
package dev.registry.api.management;
