# The rows of bench/run.sh: for each vendor, its create and its read. Sourced by run.sh, which
# defines run, create_one, BASE, HERE and OUT.

# DevRev
A="Authorization: Bearer bench-devrev"
run "devrev engagements.create" "$SECS" POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" "$A"
id=$(create_one POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" /engagement/id "$A")
echo "{\"id\": \"$id\"}" >"$OUT/devrev-get.json"
run "devrev engagements.get" "$SECS" POST "$BASE/devrev/engagements.get" "$OUT/devrev-get.json" "$A"
