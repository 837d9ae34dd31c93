-- Cycles through the request lines of a file, one per request, each wrk thread from its own
-- offset. A line is "PATH" (a GET) or "POST PATH BODY" (a JSON POST).
-- Usage: wrk ... -s bench/wrk/paths.lua URL -- FILE ["Name: value" ...]
-- (each argument after FILE is a header sent with every request)
-- done() prints one line "BENCH_JSON {...}" that bench/run.py parses.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local requests = {}

function init(args)
  local file = assert(io.open(args[1], "r"))
  local headers = { ["Content-Type"] = "application/json" }
  local get_headers = {}
  for i = 2, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if name then
      headers[name] = value
      get_headers[name] = value
    end
  end
  for line in file:lines() do
    local method, path, body = line:match("^(POST) (%S+) (.+)$")
    if method then
      requests[#requests + 1] = wrk.format("POST", path, headers, body)
    elseif #line > 0 then
      requests[#requests + 1] = wrk.format("GET", line, get_headers)
    end
  end
  file:close()
  -- spread the threads over the list so they do not ask for the same rows in step
  counter = math.floor((thread_index or 0) * #requests / 2)
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

function done(summary, latency, requests_)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
