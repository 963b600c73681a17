-- wrk script: replay pre-signed POST /fapi/v1/marginType requests, then print the results as one JSON line.
--
-- Usage: wrk -t T -c C -d Ds -s presigned.lua http://127.0.0.1:PORT -- PREFIX
-- wrk thread i reads PREFIX.i, one request a line: "<api key><TAB><form body>". The requests are built once in
-- init(), so request() only hands out the next prebuilt string.
--
-- The first line is a spare, handed out by the first request() call only; the other lines then cycle. wrk 4.1
-- calls request() once on thread 0 to check the script and throws that request away, so without the spare the
-- first request of the cycle would never be sent and its pair would be out of step for the rest of the run. The
-- spare is a request that succeeds if it is sent at all (other threads do send theirs), once.

local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
end

function init(args)
   local prefix = args[1]
   if prefix == nil then
      error("presigned.lua needs the request-file prefix after --")
   end
   prebuilt = {}
   for line in io.lines(prefix .. "." .. id) do
      local api_key, body = line:match("^([^\t]+)\t(.+)$")
      if api_key == nil then
         error("malformed request line in " .. prefix .. "." .. id)
      end
      local headers = {
         ["X-MBX-APIKEY"] = api_key,
         ["Content-Type"] = "application/x-www-form-urlencoded",
      }
      prebuilt[#prebuilt + 1] = wrk.format("POST", "/fapi/v1/marginType", headers, body)
   end
   if #prebuilt < 2 then
      error("a spare and at least one request are needed in " .. prefix .. "." .. id)
   end
   spare = table.remove(prebuilt, 1)
   position = 0
end

function request()
   if spare ~= nil then
      local first = spare
      spare = nil
      return first
   end
   position = position % #prebuilt + 1
   return prebuilt[position]
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%.1f,"p50":%.1f,"p90":%.1f,"p99":%.1f,"p999":%.1f}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)
   ))
end
