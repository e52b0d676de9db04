package dev.registry.api.distribution;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registry.api.security.Authenticated;
import dev.registry.core.ErrorCode;
import dev.registry.core.RegistryException;
import dev.registry.core.access.AccessService;
import dev.registry.core.artifact.ArtifactListing;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/search?q=&n=&page=}, what {@code docker search} calls: repository names containing
 * {@code q} (case-insensitive) among those the caller may pull, paged in the database, in the
 * format of Docker's registry search ({@code library/x} is official). Credentials as on /v2
 * (Basic, or a Bearer token of ours); errors in the OCI error envelope.
 */
@RestController
class SearchController {

    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 100;

    record Result(String name, String description, @JsonProperty("star_count") int starCount,
                  @JsonProperty("is_official") boolean isOfficial, @JsonProperty("is_automated") boolean isAutomated) {
    }

    record Results(String query, @JsonProperty("num_results") long numResults, @JsonProperty("num_pages") long numPages,
                   int page, @JsonProperty("page_size") int pageSize, List<Result> results) {
    }

    private final ArtifactListing listing;
    private final AccessService access;

    SearchController(ArtifactListing listing, AccessService access) {
        this.listing = listing;
        this.access = access;
    }

    @GetMapping("/v1/search")
    Results search(@RequestParam(required = false) String q, @RequestParam(required = false) String n,
                   @RequestParam(required = false) String page, HttpServletRequest request) {
        if (q == null) {
            throw new RegistryException(ErrorCode.INVALID_INPUT, "the search term q is missing");
        }
        int size = number("n", n, DEFAULT_PAGE_SIZE);
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be between 1 and " + MAX_PAGE_SIZE);
        }
        int number = number("page", page, 1);
        if (number < 1) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "page must be 1 or more");
        }
        List<Long> projects = access.pullableProjects(Authenticated.principal(request));
        ArtifactListing.SearchPage<String> found = listing.search(q, projects, (long) (number - 1) * size, size);
        List<Result> results = found.items().stream()
                .map(name -> new Result(name, "", 0, name.startsWith("library/") && name.indexOf('/', 8) < 0, false)).toList();
        return new Results(q, found.total(), (found.total() + size - 1) / size, number, size, results);
    }

    private static int number(String parameter, String value, int absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, parameter + " must be a whole number");
        }
    }
}
