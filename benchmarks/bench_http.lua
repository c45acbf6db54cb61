-- wrk script of the HTTP load benchmark (benchmarks/bench_http.py runs it; by hand:
--   BENCH_PATH=/api/v1/articles/%d/ BENCH_IDS=var/bench-http/article_ids.lua \
--   wrk -t2 -c8 -d20s -s benchmarks/bench_http.lua -H "Authorization: Bearer KEY" \
--       -H "X-Forwarded-Proto: https" http://127.0.0.1:8077
-- BENCH_PATH is the path to request; "%d" in it is replaced, per request, by an id picked at
-- random from the array `ids` of the Lua file BENCH_IDS. Prints one line at the end:
--   BENCH_RESULT requests=… duration_s=… rps=… p50_ms=… p95_ms=… p99_ms=… max_ms=…
--     non2xx=… socket_errors=… first_bad_status=…
-- non2xx counts every answer that is not 2xx (a redirect to the login page is an error here).

local path = os.getenv("BENCH_PATH") or "/"
local ids_file = os.getenv("BENCH_IDS")
local ids = { 1 }
if ids_file and ids_file ~= "" then
   ids = dofile(ids_file)
end
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("seed", counter * 7919)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(seed)
   non2xx = 0
   first_bad = 0
end

function request()
   local p = path
   if string.find(p, "%%d") then
      p = string.gsub(p, "%%d", tostring(ids[math.random(#ids)]))
   end
   return wrk.format("GET", p)
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad == 0 then
         first_bad = status
      end
   end
end

function done(summary, latency, requests)
   local bad, first = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non2xx")
      local status = thread:get("first_bad")
      if first == 0 and status ~= 0 then
         first = status
      end
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f "
         .. "max_ms=%.1f non2xx=%d socket_errors=%d first_bad_status=%d\n",
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      bad, e.connect + e.read + e.write + e.timeout, first))
end
