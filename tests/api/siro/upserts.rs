//! Upsert bookkeeping, nested resolution, merges and batches of `sync/engagements`.

use serde_json::{json, Value};

use super::{advance, assert_error, auth, error_text, frozen_server, get, sync, BASE, BATCH, SYNC};
use crate::support::assert_contract;

fn full_body() -> Value {
    json!({
        "externalId": "appt-1",
        "direction": "OUTBOUND",
        "subject": "Roof inspection",
        "content": "Bring the ladder",
        "startTime": "2026-11-21T15:00:00Z",
        "startTimeLocalized": "2026-11-21T09:00:00",
        "endTime": "2026-11-21T16:00:00Z",
        "remoteCreatedAt": "2026-11-01T00:00:00Z",
        "remoteUpdatedAt": "2026-11-02T00:00:00Z",
        "engagementType": {"externalId": "type-insp", "name": "Inspection", "activityType": "APPOINTMENT"},
        "account": {
            "externalId": "acc-1",
            "name": "Acme Roofing",
            "addresses": [{"country": "US", "street": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701"}],
            "phoneNumbers": ["+15125550100"],
            "owner": {"externalId": "rep-1"}
        },
        "contact": {"externalId": "con-1", "name": "Pat Doe", "account": {"externalId": "acc-1"}},
        "opportunity": {"externalId": "opp-1", "name": "New roof", "amount": 12000, "disposition": "OPEN"},
        "lead": {"externalId": "lead-1", "firstName": "Pat", "lastName": "Doe"},
        "engagementUsers": [{"externalId": "rep-1", "email": "rep@example.com", "name": "Rep One", "shareOfSale": 1}]
    })
}

// siro.md, Semantics: first PUT creates (new id, createdAt = updatedAt), later PUTs with the same
// externalId update in place; 200 both times.
#[tokio::test]
async fn first_sync_creates_and_a_resync_updates_the_same_record() {
    let s = frozen_server().await;
    let auth = auth();
    let first = sync(
        &s,
        &auth,
        &json!({"externalId": "appt-1", "subject": "Visit"}),
    )
    .await;
    assert_eq!(first["createdAt"], first["updatedAt"]);
    advance(&s, 60_000);
    let second = sync(
        &s,
        &auth,
        &json!({"externalId": "appt-1", "subject": "Visit, moved"}),
    )
    .await;
    assert_eq!(second["id"], first["id"]);
    assert_eq!(second["createdAt"], first["createdAt"]);
    assert_eq!(second["updatedAt"], "2026-11-20T09:01:00.000Z");
    assert_eq!(second["subject"], "Visit, moved");
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(list.json["total"], 1);
}

#[tokio::test]
async fn a_full_sync_answers_every_field_and_links_every_nested_record() {
    let s = frozen_server().await;
    let auth = auth();
    let e = sync(&s, &auth, &full_body()).await;
    assert_eq!(e["engagementType"], "Inspection");
    assert_eq!(e["account"]["externalId"], "acc-1");
    assert_eq!(e["accountId"], e["account"]["id"]);
    assert!(
        e["contactId"].is_string() && e["opportunityId"].is_string() && e["leadId"].is_string()
    );
    assert_eq!(e["engagementUsers"][0]["externalId"], "rep-1");
    assert_eq!(e["engagementUsers"][0]["shareOfSale"], 1);
    insta::assert_json_snapshot!("siro_sync_full", e, {
        ".id" => "[uuid]", ".organizationId" => "[uuid]", ".accountId" => "[uuid]",
        ".contactId" => "[uuid]", ".opportunityId" => "[uuid]", ".leadId" => "[uuid]",
        ".engagementTypeId" => "[uuid]", ".account.id" => "[uuid]", ".engagementUsers[].id" => "[uuid]",
    });
}

// Choice (docs/vendors/siro.md): an omitted field keeps its value, an explicit null clears it.
#[tokio::test]
async fn omitted_fields_are_kept_and_null_fields_are_cleared() {
    let s = frozen_server().await;
    let auth = auth();
    sync(&s, &auth, &full_body()).await;
    let e = sync(
        &s,
        &auth,
        &json!({"externalId": "appt-1", "subject": null, "account": null, "engagementUsers": null}),
    )
    .await;
    // Cleared keys stay in the answer as null (Siro's response example lists every key).
    assert_eq!(e["subject"], Value::Null, "null clears: {e:#}");
    assert_eq!(e["account"], Value::Null);
    assert_eq!(e["accountId"], Value::Null);
    assert_eq!(e["engagementUsers"], json!([]));
    assert_eq!(e["content"], "Bring the ladder", "omitted keeps");
    assert_eq!(e["direction"], "OUTBOUND");
    assert_eq!(e["engagementType"], "Inspection");
    assert!(e["opportunityId"].is_string());
}

// siro.md: "supplying just an externalId will resolve to an already-synced account" (also
// contact and opportunity); the simulator applies the same rule to leads and engagement users.
#[tokio::test]
async fn an_external_id_alone_links_the_record_synced_earlier() {
    let s = frozen_server().await;
    let auth = auth();
    let first = sync(&s, &auth, &full_body()).await;
    let e = sync(
        &s,
        &auth,
        &json!({
            "externalId": "appt-2",
            "account": {"externalId": "acc-1"},
            "contact": {"externalId": "con-1"},
            "opportunity": {"externalId": "opp-1"},
            "lead": {"externalId": "lead-1"},
            "engagementUsers": [{"externalId": "rep-1"}]
        }),
    )
    .await;
    for field in ["accountId", "contactId", "opportunityId", "leadId"] {
        assert_eq!(e[field], first[field], "{field}");
    }
    assert_eq!(e["account"]["name"], "Acme Roofing");
    assert_eq!(
        e["engagementUsers"][0]["id"],
        first["engagementUsers"][0]["id"]
    );
}

// siro.md: resolution failure when nothing was synced is not documented; 400 `{error}` inferred.
#[tokio::test]
async fn an_external_id_alone_that_names_nothing_synced_is_a_400_naming_the_field() {
    let s = frozen_server().await;
    let auth = auth();
    for (field, value) in [
        ("account", json!({"externalId": "ghost"})),
        ("contact", json!({"externalId": "ghost"})),
        ("opportunity", json!({"externalId": "ghost"})),
        ("lead", json!({"externalId": "ghost"})),
        ("engagementUsers", json!([{"externalId": "ghost"}])),
    ] {
        let a = s
            .put(SYNC, &auth, &json!({"externalId": "appt-x", field: value}))
            .await;
        assert_error(&a, 400);
        let message = error_text(&a);
        assert!(
            message.contains(field) && message.contains("ghost"),
            "{message}"
        );
        if field == "account" {
            insta::assert_json_snapshot!("siro_400_unresolved_reference", a.status_and_body());
        }
    }
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(list.json["total"], 0, "a failed sync stores nothing");
    let with_share = sync(
        &s,
        &auth,
        &json!({"externalId": "appt-x", "engagementUsers": [{"externalId": "new-rep", "shareOfSale": 0.5}]}),
    )
    .await;
    assert_eq!(
        with_share["engagementUsers"][0]["externalId"], "new-rep",
        "more than an id creates"
    );
}

#[tokio::test]
async fn a_contact_upserts_its_own_account_which_later_links_by_external_id() {
    let s = frozen_server().await;
    let auth = auth();
    sync(
        &s,
        &auth,
        &json!({"externalId": "a1", "contact": {"externalId": "c1", "name": "Lee", "account": {"externalId": "acc-c", "name": "Via contact"}}}),
    )
    .await;
    let e = sync(
        &s,
        &auth,
        &json!({"externalId": "a2", "account": {"externalId": "acc-c"}}),
    )
    .await;
    assert_eq!(e["account"]["name"], "Via contact");
}

// siro.md: engagementTypeId, "when given it overrides engagementType".
#[tokio::test]
async fn engagement_type_id_beats_the_engagement_type_object() {
    let s = frozen_server().await;
    let auth = auth();
    let call = sync(
        &s,
        &auth,
        &json!({"externalId": "a1", "engagementType": {"name": "Call", "activityType": "CALL"}}),
    )
    .await;
    let e = sync(
        &s,
        &auth,
        &json!({
            "externalId": "a2",
            "engagementTypeId": call["engagementTypeId"],
            "engagementType": {"name": "Meeting", "activityType": "MEETING"}
        }),
    )
    .await;
    assert_eq!(e["engagementType"], "Call");
    assert_eq!(e["engagementTypeId"], call["engagementTypeId"]);
    let raw = sync(
        &s,
        &auth,
        &json!({"externalId": "a3", "engagementTypeId": "ui-type-7"}),
    )
    .await;
    assert_eq!(raw["engagementType"], "ui-type-7");
    let default = sync(&s, &auth, &json!({"externalId": "a4"})).await;
    assert_eq!(default["engagementType"], "Appointment");
}

// siro.md: a non-null deletedAt marks the engagement deleted in the source; kept soft-deleted.
#[tokio::test]
async fn deleted_at_soft_deletes_and_null_restores() {
    let s = frozen_server().await;
    let auth = auth();
    let e = sync(&s, &auth, &json!({"externalId": "a1"})).await;
    let id = e["id"].as_str().unwrap_or_default().to_owned();
    sync(
        &s,
        &auth,
        &json!({"externalId": "a1", "deletedAt": "2026-11-19T00:00:00Z"}),
    )
    .await;
    let got = get(&s, &auth, &id).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json["deletedAt"], "2026-11-19T00:00:00Z");
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(
        list.json["total"], 0,
        "soft-deleted engagements leave the list"
    );
    let back = sync(&s, &auth, &json!({"externalId": "a1", "deletedAt": null})).await;
    assert_eq!(back["id"], e["id"]);
    assert!(back.get("deletedAt").is_none());
}

// siro.md: mergedToExternalId / mergedFromExternalIds record CRM merges; the loser resolves to the
// survivor (inferred), for new links and for engagements already linked to the loser.
#[tokio::test]
async fn merged_to_external_id_makes_the_loser_resolve_to_the_survivor() {
    let s = frozen_server().await;
    let auth = auth();
    let old = sync(
        &s,
        &auth,
        &json!({"externalId": "e1", "account": {"externalId": "loser", "name": "Old"}}),
    )
    .await;
    let survivor = sync(
        &s,
        &auth,
        &json!({"externalId": "e2", "account": {"externalId": "winner", "name": "New"}}),
    )
    .await;
    let merged = sync(
        &s,
        &auth,
        &json!({"externalId": "e3", "account": {"externalId": "loser", "name": "Old", "mergedToExternalId": "winner"}}),
    )
    .await;
    assert_eq!(merged["accountId"], survivor["accountId"]);
    let linked = sync(
        &s,
        &auth,
        &json!({"externalId": "e4", "account": {"externalId": "loser"}}),
    )
    .await;
    assert_eq!(linked["account"]["externalId"], "winner");
    let id = old["id"].as_str().unwrap_or_default();
    assert_eq!(
        get(&s, &auth, id).await.json["accountId"],
        survivor["accountId"]
    );
}

#[tokio::test]
async fn merged_from_external_ids_redirect_every_loser_to_the_survivor() {
    let s = frozen_server().await;
    let auth = auth();
    let e = sync(
        &s,
        &auth,
        &json!({"externalId": "e1", "contact": {"externalId": "keep", "name": "K", "mergedFromExternalIds": ["gone-1", "gone-2"]}}),
    )
    .await;
    for loser in ["gone-1", "gone-2"] {
        let l = sync(
            &s,
            &auth,
            &json!({"externalId": loser, "contact": {"externalId": loser}}),
        )
        .await;
        assert_eq!(l["contactId"], e["contactId"], "{loser}");
    }
}

#[tokio::test]
async fn a_merge_into_an_account_never_synced_is_a_400_and_a_merge_cycle_a_409() {
    let s = frozen_server().await;
    let auth = auth();
    let a = s
        .put(SYNC, &auth, &json!({"externalId": "e1", "account": {"externalId": "a", "name": "A", "mergedToExternalId": "nowhere"}}))
        .await;
    assert_error(&a, 400);
    assert!(error_text(&a).contains("nowhere"));
    sync(
        &s,
        &auth,
        &json!({"externalId": "e1", "account": {"externalId": "a", "name": "A"}}),
    )
    .await;
    sync(&s, &auth, &json!({"externalId": "e2", "account": {"externalId": "b", "name": "B", "mergedToExternalId": "a"}})).await;
    let cycle = s
        .put(SYNC, &auth, &json!({"externalId": "e3", "account": {"externalId": "a", "name": "A", "mergedToExternalId": "b"}}))
        .await;
    assert_error(&cycle, 409);
    insta::assert_json_snapshot!("siro_409_merge_cycle", cycle.status_and_body());
    let still = sync(
        &s,
        &auth,
        &json!({"externalId": "e4", "account": {"externalId": "b"}}),
    )
    .await;
    assert_eq!(
        still["account"]["externalId"], "a",
        "the failed sync left the merge as it was"
    );
}

// siro.md: batch body is an array of the same objects, 200 `{data: [Engagement]}`. The response
// has no per-item error slot, so a batch applies all or nothing (docs/vendors/siro.md).
#[tokio::test]
async fn a_batch_syncs_in_order_and_a_later_item_may_link_what_an_earlier_one_created() {
    let s = frozen_server().await;
    let auth = auth();
    let a = s
        .put(
            BATCH,
            &auth,
            &json!([
                {"externalId": "b1", "account": {"externalId": "acc", "name": "Acme"}},
                {"externalId": "b2", "account": {"externalId": "acc"}},
                {"externalId": "b1", "subject": "again"}
            ]),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("siro", "engagements.sync_batch.response.json", &a.json);
    let data = a.json["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(data.len(), 3);
    assert_eq!(data[0]["accountId"], data[1]["accountId"]);
    assert_eq!(data[2]["id"], data[0]["id"]);
    assert_eq!(data[2]["subject"], "again");
    assert_eq!(
        data[0]["subject"],
        Value::Null,
        "each item as it left the record"
    );
    insta::assert_json_snapshot!("siro_sync_batch", a.status_and_body(), {
        ".body.data[].id" => "[uuid]", ".body.data[].organizationId" => "[uuid]", ".body.data[].accountId" => "[uuid]",
        ".body.data[].engagementTypeId" => "[uuid]", ".body.data[].account.id" => "[uuid]",
    });
}

#[tokio::test]
async fn a_batch_with_one_bad_item_stores_nothing() {
    let s = frozen_server().await;
    let auth = auth();
    let a = s
        .put(
            BATCH,
            &auth,
            &json!([
                {"externalId": "ok-1", "account": {"externalId": "acc", "name": "Acme"}},
                {"externalId": "bad", "opportunity": {"externalId": "ghost"}}
            ]),
        )
        .await;
    assert_error(&a, 400);
    assert!(error_text(&a).starts_with("[1].opportunity"));
    let missing = s
        .put(
            BATCH,
            &auth,
            &json!([{"externalId": "x"}, {"subject": "no id"}]),
        )
        .await;
    assert_error(&missing, 422);
    assert_eq!(missing.json["issues"][0]["path"], json!([1, "externalId"]));
    let list = s.get(&format!("{BASE}/engagements"), &auth).await;
    assert_eq!(list.json["total"], 0);
    let a = s
        .put(
            SYNC,
            &auth,
            &json!({"externalId": "e", "account": {"externalId": "acc"}}),
        )
        .await;
    assert_error(&a, 400);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    let mut ids = Vec::new();
    for _ in 0..2 {
        let s = frozen_server().await;
        let e = sync(&s, "Bearer seeded-token", &full_body()).await;
        ids.push((
            e["id"].clone(),
            e["organizationId"].clone(),
            e["accountId"].clone(),
        ));
    }
    assert_eq!(ids[0], ids[1]);
}
