# The rows of bench/run.sh: for each vendor, its create and its read. Sourced by run.sh, which
# defines run, create_one, BASE, HERE, OUT and SECS.

A="Authorization: Bearer bench-devrev"
run "devrev engagements.create" "$SECS" POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" "$A"
id=$(create_one POST "$BASE/devrev/engagements.create" "$HERE/bodies/devrev-create.json" /engagement/id "$A")
echo "{\"id\": \"$id\"}" >"$OUT/devrev-get.json"
run "devrev engagements.get" "$SECS" POST "$BASE/devrev/engagements.get" "$OUT/devrev-get.json" "$A"

A="Authorization: Bearer bench-key|X-Account-Token: bench-merge"
run "merge engagements.create" "$SECS" POST "$BASE/merge/api/crm/v1/engagements" "$HERE/bodies/merge-create.json" "$A"
id=$(create_one POST "$BASE/merge/api/crm/v1/engagements" "$HERE/bodies/merge-create.json" /model/id "Authorization: Bearer bench-key" "X-Account-Token: bench-merge")
run "merge engagements.retrieve" "$SECS" GET "$BASE/merge/api/crm/v1/engagements/$id" "" "$A"

A="Authorization: Bearer bench-salesforce"
SF=$BASE/salesforce/services/data/v63.0/connect/service-excellence/engagement-interactions
run "salesforce engagement_interactions.create" "$SECS" POST "$SF" "$HERE/bodies/salesforce-create.json" "$A"
id=$(create_one POST "$SF" "$HERE/bodies/salesforce-create.json" /engagementInteraction/id "$A")
run "salesforce engagement_interactions.get" "$SECS" GET "$SF/$id" "" "$A"

A="Authorization: Bearer bench-siro"
SIRO=$BASE/siro/api-externalApi/v1/integrations
run "siro engagements.sync" "$SECS" PUT "$SIRO/sync/engagements" "$HERE/bodies/siro-sync.json" "$A"
id=$(create_one PUT "$SIRO/sync/engagements" "$HERE/bodies/siro-sync.json" /data/id "$A")
run "siro engagements.get" "$SECS" GET "$SIRO/engagements/$id" "" "$A"

A="Authorization: Bearer bench-seismic"
run "seismic dsr.create" "$SECS" POST "$BASE/seismic/dsr/v1/dsrs" "$HERE/bodies/seismic-create.json" "$A"
id=$(create_one POST "$BASE/seismic/dsr/v1/dsrs" "$HERE/bodies/seismic-create.json" /id "$A")
run "seismic dsr.get" "$SECS" GET "$BASE/seismic/dsr/v1/dsrs/$id" "" "$A"
