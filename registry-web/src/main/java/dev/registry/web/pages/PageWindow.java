package dev.registry.web.pages;

import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import java.util.Map;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One page of a list paged in the database: which rows to ask for, and the links to the pages
 * around it (the page, its size and the list's other query parameters stay in the URL, so links,
 * back/forward and new tabs keep the view).
 *
 * @param page  from 1
 * @param size  rows per page (15, 25, 50 or 100, as Harbor's lists offer)
 * @param total rows in all the pages
 */
public record PageWindow(int page, int size, long total, String path, Map<String, String> query) {

    public static final int DEFAULT_SIZE = 25;
    private static final int MAX_PAGE = 21_474_836;

    /** The window a request asks for; a page or size out of range is refused in words. */
    public static PageWindow of(Integer page, Integer size, String path, Map<String, String> query) {
        int p = page == null ? 1 : page;
        int s = size == null ? DEFAULT_SIZE : size;
        if (p < 1 || p > MAX_PAGE) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "page must be between 1 and " + MAX_PAGE);
        }
        if (s < 1 || s > 100) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "page size must be between 1 and 100");
        }
        return new PageWindow(p, s, 0, path, query);
    }

    public PageWindow withTotal(long total) {
        return new PageWindow(page, size, total, path, query);
    }

    public long offset() {
        return (long) (page - 1) * size;
    }

    /** 0-based page index (for Spring Data's page requests). */
    public int index() {
        return page - 1;
    }

    public long pages() {
        return Math.max(1, (total + size - 1) / size);
    }

    public long first() {
        return total == 0 ? 0 : offset() + 1;
    }

    public long last() {
        return Math.min(total, offset() + size);
    }

    public boolean hasPrevious() {
        return page > 1;
    }

    public boolean hasNext() {
        return (long) page * size < total;
    }

    public String previous() {
        return link(page - 1);
    }

    public String next() {
        return link(page + 1);
    }

    public String link(int target) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
        query.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                uri.queryParam(k, v);
            }
        });
        if (target > 1) {
            uri.queryParam("page", target);
        }
        if (size != DEFAULT_SIZE) {
            uri.queryParam("page_size", size);
        }
        return uri.encode().build().toUriString();
    }
}
