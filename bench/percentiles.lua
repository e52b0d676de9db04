-- wrk script: after the run, one line with the latency percentiles wrk's --latency leaves out
-- (p99.9) next to p50, p99 and max, in microseconds: "percentiles p50=... p99=... p999=... max=..."
done = function(summary, latency, requests)
    io.write(string.format("percentiles p50=%d p99=%d p999=%d max=%d requests=%d\n",
        latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
        summary.requests))
end
