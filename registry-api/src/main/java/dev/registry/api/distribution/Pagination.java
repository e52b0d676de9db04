package dev.registry.api.distribution;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.artifact.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ResponseEntity;

/**
 * {@code n}/{@code last} paging of tag and catalog lists (distribution spec, "Listing Tags"):
 * without {@code n} a page holds up to {@link #DEFAULT_LIMIT} names; a {@code Link: <...>;
 * rel="next"} header appears whenever more names follow.
 */
final class Pagination {

    static final int DEFAULT_LIMIT = 10_000;

    private Pagination() {
    }

    static int limit(String n) {
        if (n == null || n.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(n);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return Math.min(value, DEFAULT_LIMIT);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
                    "n must be a non-negative integer, got '" + n + "'");
        }
    }

    static ResponseEntity.BodyBuilder withLink(Page page, String path, int limit) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (page.hasMore() && page.last() != null) {
            ok.header("Link", "<" + path + "?n=" + limit + "&last="
                    + URLEncoder.encode(page.last(), StandardCharsets.UTF_8) + ">; rel=\"next\"");
        }
        return ok;
    }
}
