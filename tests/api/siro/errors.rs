//! Every error Siro's pipeline and rules can produce, each in Siro's own body: `{error}` for
//! 400/401/404/409/413, the ZodError `{name, issues[]}` for 422 (siro.md, Errors).

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, auth, error_text, frozen_server, BASE, BATCH, SYNC};
use crate::support::contract::GENERIC_KINDS;
use crate::support::json::operation_ids;

// siro.md, Authentication: `Authorization: Bearer <organization API token>`; missing/invalid → 401.
#[tokio::test]
async fn missing_or_malformed_credentials_are_a_401_error_body() {
    let s = frozen_server().await;
    let body = json!({"externalId": "a"});
    let none = s.send(s.http.put(s.url(SYNC)).json(&body)).await;
    assert_error(&none, 401);
    insta::assert_json_snapshot!("siro_401", none.status_and_body());
    for auth in ["Basic abc", "Bearer ", "token-without-scheme"] {
        let a = s.put(SYNC, auth, &body).await;
        assert_error(&a, 401);
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_are_a_404_naming_the_route() {
    let s = frozen_server().await;
    let auth = auth();
    let a = s.get(&format!("{BASE}/nothing-here"), &auth).await;
    assert_error(&a, 404);
    assert_eq!(
        a.json["error"],
        "Cannot GET /api-externalApi/v1/integrations/nothing-here"
    );
    let wrong_method = s.post(SYNC, &auth, &json!({"externalId": "a"})).await;
    assert_error(&wrong_method, 404);
    assert!(error_text(&wrong_method).starts_with("Cannot POST"));
}

#[tokio::test]
async fn unreadable_bodies_are_a_400_error_body() {
    let s = frozen_server().await;
    let auth = auth();
    let malformed = s
        .raw(
            Method::PUT,
            SYNC,
            &auth,
            "application/json",
            "{\"externalId\": ",
        )
        .await;
    assert_error(&malformed, 400);
    assert!(error_text(&malformed).contains("line 1"));
    insta::assert_json_snapshot!("siro_400_malformed", malformed.status_and_body());
    let text = s
        .raw(
            Method::PUT,
            SYNC,
            &auth,
            "text/plain",
            "{\"externalId\": \"a\"}",
        )
        .await;
    assert_error(&text, 400);
    assert!(error_text(&text).contains("text/plain"));
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let too_deep = s
        .raw(Method::PUT, BATCH, &auth, "application/json", deep)
        .await;
    assert_error(&too_deep, 400);
    let huge = format!(
        "{{\"externalId\": \"a\", \"content\": \"{}\"}}",
        "x".repeat(1_100_000)
    );
    let too_large = s
        .raw(Method::PUT, SYNC, &auth, "application/json", huge)
        .await;
    assert_error(&too_large, 413);
}

/// Sends a sync body and answers the one Zod issue of the 422.
async fn zod_issue(body: Value) -> Value {
    let s = frozen_server().await;
    let a = s.put(SYNC, &auth(), &body).await;
    assert_error(&a, 422);
    assert_eq!(a.json["name"], "ZodError");
    a.json["issues"][0].clone()
}

// siro.md: externalId is the only required top-level field; 422 ZodError with path ["externalId"].
#[tokio::test]
async fn a_missing_external_id_is_a_422_zod_error_at_its_path() {
    let s = frozen_server().await;
    let a = s.put(SYNC, &auth(), &json!({"subject": "no id"})).await;
    assert_error(&a, 422);
    insta::assert_json_snapshot!("siro_422_missing_external_id", a.status_and_body());
    let empty = s
        .raw(Method::PUT, SYNC, &auth(), "application/json", "")
        .await;
    assert_error(&empty, 422);
}

// siro.md: direction INBOUND|OUTBOUND, activityType and disposition are enums.
#[tokio::test]
async fn wrong_enum_values_are_a_422_naming_the_field_and_the_options() {
    let issue = zod_issue(json!({"externalId": "a", "direction": "SIDEWAYS"})).await;
    assert_eq!(issue["code"], "invalid_enum_value");
    assert_eq!(issue["path"], json!(["direction"]));
    assert_eq!(issue["received"], "SIDEWAYS");
    insta::assert_json_snapshot!("siro_422_enum", issue);
    let issue = zod_issue(
        json!({"externalId": "a", "engagementType": {"name": "X", "activityType": "PIGEON"}}),
    )
    .await;
    assert_eq!(issue["path"], json!(["engagementType", "activityType"]));
    let issue = zod_issue(
        json!({"externalId": "a", "opportunity": {"externalId": "o", "disposition": "MAYBE"}}),
    )
    .await;
    assert_eq!(issue["path"], json!(["opportunity", "disposition"]));
}

#[tokio::test]
async fn wrong_types_and_formats_are_a_422_at_the_nested_path() {
    let issue = zod_issue(json!({"externalId": 42})).await;
    assert_eq!(issue["code"], "invalid_type");
    assert_eq!(
        (issue["expected"].as_str(), issue["received"].as_str()),
        (Some("string"), Some("number"))
    );
    let issue =
        zod_issue(json!({"externalId": "a", "account": {"externalId": "x", "latitude": "north"}}))
            .await;
    assert_eq!(issue["path"], json!(["account", "latitude"]));
    let issue =
        zod_issue(json!({"externalId": "a", "engagementUsers": [{"email": "a@b.c"}]})).await;
    assert_eq!(issue["path"], json!(["engagementUsers", 0, "externalId"]));
    assert_eq!(issue["message"], "Required");
    let issue = zod_issue(json!({"externalId": "a", "deletedAt": "yesterday"})).await;
    assert_eq!(issue["code"], "invalid_string");
    assert_eq!(issue["path"], json!(["deletedAt"]));
    let issue = zod_issue(json!({"externalId": "a", "contact": {"externalId": "c", "account": {"addresses": [{"country": "US"}]}}})).await;
    assert_eq!(
        issue["path"].as_array().map(|p| p[..4].to_vec()),
        Some(vec![
            json!("contact"),
            json!("account"),
            json!("addresses"),
            json!(0)
        ])
    );
}

#[tokio::test]
async fn a_batch_that_is_not_an_array_is_a_422_at_the_root() {
    let s = frozen_server().await;
    let a = s.put(BATCH, &auth(), &json!({"externalId": "a"})).await;
    assert_error(&a, 422);
    assert_eq!(a.json["issues"][0]["path"], json!([]));
    assert_eq!(a.json["issues"][0]["expected"], "array");
}

#[tokio::test]
async fn an_object_without_an_external_id_cannot_be_synced_or_linked() {
    let s = frozen_server().await;
    let a = s
        .put(
            SYNC,
            &auth(),
            &json!({"externalId": "a", "account": {"name": "Nameless"}}),
        )
        .await;
    assert_error(&a, 400);
    assert!(error_text(&a).contains("account.externalId"));
}

#[tokio::test]
async fn the_admin_api_lists_siro_operations_and_shows_its_state() {
    let s = frozen_server().await;
    let auth = auth();
    let ops = s.admin_get("/operations").await;
    let ids = operation_ids(&ops.json, "siro");
    assert!(
        ids.contains(&"engagements.sync") && ids.len() == 7,
        "{ids:?}"
    );
    // INTERFACE.md section 5: every generic kind renders natively.
    let generic: Vec<String> = ops.json["error_kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["vendor"] == "siro")
        .flat_map(|k| k["generic"].as_array().cloned().unwrap_or_default())
        .filter_map(|g| g.as_str().map(str::to_owned))
        .collect();
    for kind in GENERIC_KINDS {
        assert!(generic.iter().any(|g| g == kind), "{kind}");
    }
    super::sync(
        &s,
        &auth,
        &json!({"externalId": "st-1", "account": {"externalId": "acc", "name": "A"}}),
    )
    .await;
    let token = auth.trim_start_matches("Bearer ");
    let state = s
        .admin_get(&format!("/state?vendor=siro&tenant={token}"))
        .await;
    assert_eq!(state.status, 200, "{}", state.text);
    let text = state.text;
    assert!(text.contains("st-1") && text.contains("\"acc\""), "{text}");
}
