-- wrk script for q5: updateCluster signed in. Each thread edits its own slice of the clusters in
-- $CLUSTERS_FILE ("global-id version" per line) round robin, skipping the ones whose edit is still in
-- flight, and keeps each cluster's version from the answers, so that no edit is stale.
local clusters = {}
for line in io.lines(os.getenv("CLUSTERS_FILE")) do
  local id, version = line:match("^(%S+)%s+(%d+)")
  if id then clusters[#clusters + 1] = { id = id, version = tonumber(version) } end
end
local query = [[mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { id version } } }]]
local threads, count = {}, 0

function setup(thread)
  thread:set("slice", count)
  count = count + 1
  threads[#threads + 1] = thread
end

function init(args)
  local per = math.floor(#clusters / count_threads())
  first, last, next_index, by_id = slice * per + 1, slice * per + per, slice * per + 1, {}
  for i = first, last do by_id[clusters[i].id] = clusters[i] end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
  edits, refused = 0, 0
end

function count_threads() return tonumber(os.getenv("THREADS")) end

function request()
  local cluster = clusters[next_index]
  for _ = first, last do
    if not cluster.in_flight then break end
    next_index = next_index == last and first or next_index + 1
    cluster = clusters[next_index]
  end
  next_index = next_index == last and first or next_index + 1
  cluster.in_flight = true
  edits = edits + 1
  local body = string.format(
    '{"query":"%s","variables":{"input":{"id":"%s","version":%d,"description":"Edited by the benchmark, edit %d."}}}',
    query, cluster.id, cluster.version, edits)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  local id, version = body:match('"id":"([^"]+)","version":(%d+)')
  if id and by_id[id] then
    by_id[id].version = tonumber(version)
    by_id[id].in_flight = false
  end
  if body:find('"errors"', 1, true) then refused = refused + 1 end
end

function done(summary, latency, requests)
  local e = summary.errors
  for _, thread in ipairs(threads) do e.status = e.status + thread:get("refused") end
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
