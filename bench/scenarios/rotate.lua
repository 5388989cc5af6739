-- One wrk script for every scenario: bench/scenarios.py says what each one sends, through these
-- environment variables, and bench/run.py writes the records it needs to a file.
--
--   BENCH_DATA     records, one per line, fields separated by tabs (a session cookie, a reference...)
--   BENCH_METHOD   GET or POST
--   BENCH_PATH     the path, with {1}, {2}... replaced by the record's fields
--   BENCH_COOKIE   the Cookie header, same placeholders (empty: an anonymous visitor)
--   BENCH_BODY     a form body for POST, same placeholders, and {key}: a fresh idempotency key
--   BENCH_EXPECT   the statuses that count as success, e.g. "200" or "302"; anything else is an error
--   BENCH_ONCE     "1": every record is sent once (a renewal per person and car), then the last replayed
--   BENCH_THREADS  wrk's -t, BENCH_NONCE a value unique to this run, BENCH_OUT where done() writes JSON
--
-- Consecutive requests of a thread take consecutive records from its own offset, so requests come
-- from different people with their own sessions, as in real traffic, not one cached user.

local threads = {}
local created = 0

function setup(thread)
  thread:set("id", created)
  created = created + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

local function fill(template, record, key)
  return (template:gsub("{(%w+)}", function(name)
    if name == "key" then
      return key
    end
    return record[tonumber(name)] or ""
  end))
end

function init(args)
  records = {}
  for line in io.lines(os.getenv("BENCH_DATA")) do
    if line ~= "" then
      records[#records + 1] = split(line)
    end
  end
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH")
  cookie = os.getenv("BENCH_COOKIE") or ""
  body = os.getenv("BENCH_BODY") or ""
  once = os.getenv("BENCH_ONCE") == "1"
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  nonce = os.getenv("BENCH_NONCE") or "0"
  expected = {}
  for code in (os.getenv("BENCH_EXPECT") or "200"):gmatch("%d+") do
    expected[tonumber(code)] = true
  end
  position = id -- this thread's first record; it then moves by nthreads, so threads never share one
  sent = 0
  last = nil
  counts = {}
  unexpected = 0
end

function request()
  if position >= #records then
    if once and last then
      -- Every record of this thread was sent once: the last one again, same idempotency key, which
      -- Sahl answers as a replay (the same application), until the run ends. Stopping the thread
      -- instead left its connections open and silent, and each held a sync worker for seconds: the
      -- server's rate is counted from the submissions it took (bench/run.py, `served`).
      return last
    end
    position = position % #records
  end
  local record = records[position + 1]
  position = position + nthreads
  sent = sent + 1
  local headers = {}
  local c = fill(cookie, record, "")
  if c ~= "" then
    headers["Cookie"] = c
  end
  local payload = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    payload = fill(body, record, string.format("bench-%s-%d-%d", nonce, id, sent))
  end
  last = wrk.format(method, fill(path, record, ""), headers, payload)
  return last
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if not expected[status] then
    unexpected = unexpected + 1
  end
  -- thread:get() in done() copies strings reliably across Lua states: keep a text summary.
  local parts = {}
  for code, n in pairs(counts) do
    parts[#parts + 1] = code .. ":" .. n
  end
  statuses = table.concat(parts, ",")
end

function done(summary, latency, requests)
  local unexpected_total, merged = 0, {}
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + (thread:get("unexpected") or 0)
    for code, n in (thread:get("statuses") or ""):gmatch("(%d+):(%d+)") do
      merged[code] = (merged[code] or 0) + tonumber(n)
    end
  end
  local status_json = {}
  for code, n in pairs(merged) do
    status_json[#status_json + 1] = string.format('"%s": %d', code, n)
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "unexpected_status": %d, "statuses": {%s}, '
      .. '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "status_errors": %d, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes, unexpected_total, table.concat(status_json, ", "),
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean
  ))
  out:close()
end
