-- wrk script: every request is a new report (no photo; its own idempotency key) at a counter
-- picked at random from COUNTER_TOKENS (comma-separated, from the environment), sent as the
-- report page sends it: a multipart form with the report's JSON.
local tokens = {}
for t in string.gmatch(os.getenv("COUNTER_TOKENS"), "[^,]+") do table.insert(tokens, t) end
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  math.randomseed(os.time() + id * 7919)
end

local function key(n)
  local chars = "abcdefghijklmnopqrstuvwxyz0123456789"
  local t = {}
  for i = 1, n do
    local r = math.random(1, #chars)
    t[i] = chars:sub(r, r)
  end
  return table.concat(t)
end

local boundary = "minhbachbenchboundary"

request = function()
  local report = string.format(
    '{"kind":"feedback","category":"late_dossier","counter_token":"%s","description":"Hồ sơ trễ hẹn hai tuần mà không có phiếu xin lỗi (thử tải).","idempotency_key":"%s"}',
    tokens[math.random(1, #tokens)], key(32))
  local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"report\"\r\n\r\n"
    .. report .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/api/v1/reports",
    { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["X-Device-Id"] = key(32) }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors (connect/read/write/timeout/status) %d/%d/%d/%d/%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  io.write(string.format("rate %.0f/s, p50 %.1f ms, p99 %.1f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
