package dev.registry.api.edge;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Replaces Tomcat's HTML error page for the errors Tomcat answers itself, before any filter or
 * controller runs: an invalid URI ({@code %00} in the path), request headers over
 * {@code server.max-http-request-header-size}, a malformed request line. Installed as the host's
 * error report valve ({@code TomcatConfiguration}); the body comes from {@link ErrorBodies}.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as the base class: only errors, nothing written yet, and the error not yet reported
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String path = request.getCoyoteRequest().requestURI().isNull() ? null
                : request.getCoyoteRequest().requestURI().toString();
        ErrorBodies.Rendered rendered = ErrorBodies.render(path, status, ErrorBodies.codeFor(status, path),
                ErrorBodies.beforeApplication(status));
        try {
            response.setContentType(rendered.contentType());
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) { // null: something was written after all
                writer.write(new String(rendered.body(), StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is unusable: nothing more to say
        }
    }
}
