package dev.registry.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.Test;

/** {@link RequestAdmission}: a bounded number of requests inside, the rest waiting in order; transfers give way. */
class RequestAdmissionTest {

    @Test
    void aSecondRequestWaitsUntilTheFirstIsDoneOrStartsATransfer() throws Exception {
        RequestAdmission admission = new RequestAdmission(1);
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch transfer = new CountDownLatch(1);
        CountDownLatch secondInside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        admission.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) throws java.io.IOException {
                try {
                    if ("first".equals(request.getAttribute("name"))) {
                        firstInside.countDown();
                        transfer.await();
                        RequestAdmission.releaseForTransfer(request);
                        RequestAdmission.releaseForTransfer(request); // a second release gives nothing back
                        finish.await();
                    } else {
                        secondInside.countDown();
                    }
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        });
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<?> first = send(threads, admission, "first");
            assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = send(threads, admission, "second");
            awaitWaiting(admission);
            assertThat(secondInside.getCount()).as("the second request waits while the first holds the admission").isEqualTo(1);
            transfer.countDown();
            assertThat(secondInside.await(10, TimeUnit.SECONDS)).as("admitted once the first starts its transfer").isTrue();
            second.get(10, TimeUnit.SECONDS);
            finish.countDown();
            first.get(10, TimeUnit.SECONDS);
        }
        assertThat(admission.available()).isEqualTo(1);
        assertThat(admission.waiting()).isZero();
    }

    /**
     * Spring Boot's graceful shutdown waits only for requests that reached a servlet; the lifecycle keeps the server
     * from stopping while one still waits here for its admission.
     */
    @Test
    void theServerStopsOnlyOnceNoRequestIsLeftInTheValve() throws Exception {
        RequestAdmission admission = new RequestAdmission(1);
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        admission.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) throws java.io.IOException {
                if ("first".equals(request.getAttribute("name"))) {
                    firstInside.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
            }
        });
        org.springframework.context.SmartLifecycle lifecycle =
                RequestAdmission.finishBeforeTheServerStops(admission, java.time.Duration.ofSeconds(30));
        lifecycle.start();
        assertThat(lifecycle.getPhase()).isBetween(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 2048,
                org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024);
        try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
            Future<?> first = send(threads, admission, "first");
            assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> second = send(threads, admission, "second");
            awaitWaiting(admission);
            Future<?> stop = threads.submit((Runnable) lifecycle::stop);
            Thread.sleep(200);
            assertThat(stop.isDone()).as("stop waits while a request is admitted and another waits").isFalse();
            assertThat(lifecycle.isRunning()).isTrue();
            finish.countDown();
            stop.get(10, TimeUnit.SECONDS);
            assertThat(first.isDone() && second.isDone()).isTrue();
        }
        assertThat(admission.inside()).isZero();
        assertThat(lifecycle.isRunning()).isFalse();
    }

    @Test
    void aFailingRequestGivesItsAdmissionBack() {
        RequestAdmission admission = new RequestAdmission(2);
        admission.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) {
                throw new IllegalStateException("boom");
            }
        });
        for (int i = 0; i < 5; i++) {
            try {
                admission.invoke(request("failing"), null);
            } catch (Exception expected) {
                assertThat(expected).hasMessage("boom");
            }
        }
        assertThat(admission.available()).isEqualTo(2);
    }

    /** {@code name}'s request through the valve on one of {@code threads}. */
    private static Future<?> send(ExecutorService threads, RequestAdmission admission, String name) {
        return threads.submit(() -> {
            admission.invoke(request(name), null);
            return null;
        });
    }

    private static void awaitWaiting(RequestAdmission admission) throws InterruptedException {
        while (admission.waiting() == 0) {
            Thread.sleep(5);
        }
    }

    private static Request request(String name) {
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        attributes.put("name", name);
        Request request = mock(Request.class);
        when(request.getAttribute(anyString())).thenAnswer(call -> attributes.get(call.<String>getArgument(0)));
        doAnswer(call -> attributes.put(call.getArgument(0), call.getArgument(1))).when(request).setAttribute(anyString(), any());
        doAnswer(call -> attributes.remove(call.<String>getArgument(0))).when(request).removeAttribute(anyString());
        return request;
    }
}
