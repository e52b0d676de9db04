package dev.registry.core;

/**
 * The error vocabulary of the registry. {@link #wireCode()} is what clients see in the error
 * body's {@code code}: the OCI distribution spec's codes, plus {@code RANGE_INVALID} and
 * {@code PAGINATION_NUMBER_INVALID} from CNCF Distribution. Constants that share a wire code
 * differ in HTTP status; the HTTP adapter maps each constant to its status in one place.
 */
public enum ErrorCode {
    BLOB_UNKNOWN,
    BLOB_UPLOAD_INVALID,
    BLOB_UPLOAD_UNKNOWN,
    DIGEST_INVALID,
    MANIFEST_BLOB_UNKNOWN,
    MANIFEST_INVALID,
    /** A manifest over the size limit: {@code MANIFEST_INVALID} with 413. */
    MANIFEST_TOO_LARGE("MANIFEST_INVALID"),
    MANIFEST_UNKNOWN,
    NAME_INVALID,
    NAME_UNKNOWN,
    SIZE_INVALID,
    UNAUTHORIZED,
    DENIED,
    UNSUPPORTED,
    /** No such endpoint under /v2: {@code UNSUPPORTED} with 404. */
    ENDPOINT_UNKNOWN("UNSUPPORTED"),
    /** The HTTP method is not defined for this endpoint: {@code UNSUPPORTED} with 405. */
    METHOD_UNKNOWN("UNSUPPORTED"),
    TOOMANYREQUESTS,
    RANGE_INVALID,
    PAGINATION_NUMBER_INVALID,
    /** A name that is taken, or a deletion of something not empty: {@code DENIED} on /v2, 409 on /api. */
    CONFLICT("DENIED"),
    /** A management request with a field that is missing or out of range: 400. */
    INVALID_INPUT("UNSUPPORTED"),
    /** A management API request body over {@code registry.api.max-body-size}: 413. */
    BODY_TOO_LARGE("SIZE_INVALID"),
    /** A backend (database or blob store) cannot serve now: {@code UNAVAILABLE} with 503. */
    UNAVAILABLE,
    /** An unexpected failure inside the registry: 500. */
    UNKNOWN;

    private final String wireCode;

    ErrorCode() {
        this.wireCode = name();
    }

    ErrorCode(String wireCode) {
        this.wireCode = wireCode;
    }

    public String wireCode() {
        return wireCode;
    }
}
