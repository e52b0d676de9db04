package dev.registry.api.management;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The paging of every management list: {@code page} (1-based, default 1, at most {@link #MAX_PAGE})
 * and {@code page_size} (default {@value #DEFAULT_SIZE}, at most {@value #MAX_SIZE}); the answer carries the total in
 * {@code X-Total-Count} and, when more follow, an RFC 8288 {@code Link: <…>; rel="next"}.
 */
record Paging(int page, int size) {

    static final int DEFAULT_SIZE = 25;
    static final int MAX_SIZE = 100;
    /** The last page any list answers: its offset still fits the int that SQL paging and Spring Data take. */
    static final int MAX_PAGE = Integer.MAX_VALUE / MAX_SIZE;
    static final String PAGE = "page";
    static final String PAGE_SIZE = "page_size";

    /** Checks the query parameters; 400 naming the parameter when one is out of range. */
    static Paging of(Integer page, Integer pageSize) {
        int p = page == null ? 1 : page;
        int s = pageSize == null ? DEFAULT_SIZE : pageSize;
        if (p < 1 || p > MAX_PAGE) {
            throw invalid(PAGE, "page is from 1 to " + MAX_PAGE);
        }
        if (s < 1 || s > MAX_SIZE) {
            throw invalid(PAGE_SIZE, "page_size is from 1 to " + MAX_SIZE);
        }
        return new Paging(p, s);
    }

    /** The 0-based page index, as the core services take it. */
    int index() {
        return page - 1;
    }

    long offset() {
        return (long) index() * size;
    }

    /** 200 with the items, {@code X-Total-Count} and the next page's {@code Link} when there is one. */
    <T> ResponseEntity<List<T>> respond(List<T> items, long total) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header("X-Total-Count", Long.toString(total));
        if ((long) page * size < total) {
            String next = ServletUriComponentsBuilder.fromCurrentRequest()
                    .replaceQueryParam(PAGE, page + 1).replaceQueryParam(PAGE_SIZE, size).build().toUriString();
            ok.header("Link", "<" + next + ">; rel=\"next\"");
        }
        return ok.body(items);
    }

    /** The items of this page from a list held whole (short lists such as members). */
    <T> List<T> slice(List<T> all) {
        int from = (int) Math.min(offset(), all.size());
        return all.subList(from, Math.min(from + size, all.size()));
    }

    static RegistryException invalid(String field, String message) {
        return new RegistryException(ErrorCode.INVALID_INPUT, message, Map.of("field", field));
    }
}
