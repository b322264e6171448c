-- wrk script: every request is a new phone giving a new rating (its own device id and
-- idempotency key), so none is refused as a repeat, at a counter picked at random from
-- COUNTER_TOKENS (comma-separated, from the environment).
local tokens = {}
for t in string.gmatch(os.getenv("COUNTER_TOKENS"), "[^,]+") do table.insert(tokens, t) end
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
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

local overall = { "very_satisfied", "satisfied", "not_satisfied" }

request = function()
  counter = counter + 1
  local body = string.format(
    '{"counter_token":"%s","overall":"%s","idempotency_key":"%s"}',
    tokens[math.random(1, #tokens)], overall[math.random(1, 3)], key(32))
  return wrk.format("POST", "/api/v1/ratings",
    { ["Content-Type"] = "application/json", ["X-Device-Id"] = key(32) }, body)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors (connect/read/write/timeout/status) %d/%d/%d/%d/%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  io.write(string.format("rate %.0f/s, p50 %.1f ms, p99 %.1f ms\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
