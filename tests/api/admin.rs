//! The admin API: health, operations, reset narrowing, the journal (filters, masking, count),
//! state dumps and the admin token.

use reqwest::Method;
use serde_json::{json, Value};

use crate::devrev::create_body as devrev_body;
use crate::support::contract::GENERIC_KINDS;
use crate::support::{bearer, fresh_token, TestServer};

#[tokio::test]
async fn health_says_ok_with_the_version() {
    let s = TestServer::start().await;
    let a = s.admin_get("/health").await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["status"], "ok");
    assert_eq!(a.json["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn operations_lists_every_operation_and_error_kind() {
    let s = TestServer::start().await;
    let a = s.admin_get("/operations").await;
    let ops = a.json["operations"].as_array().unwrap();
    assert!(ops.iter().any(|o| o["vendor"] == "devrev"
        && o["id"] == "engagements.create"
        && o["method"] == "POST"
        && o["path"] == "/devrev/engagements.create"));
    let kinds = a.json["error_kinds"].as_array().unwrap();
    let devrev_429 = kinds
        .iter()
        .find(|k| k["vendor"] == "devrev" && k["kind"] == "too_many_requests")
        .unwrap();
    assert_eq!(devrev_429["status"], 429);
    assert_eq!(devrev_429["generic"], json!(["rate_limited"]));
    // Every vendor renders all eight generic kinds natively.
    for vendor in ops
        .iter()
        .map(|o| o["vendor"].as_str().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
    {
        for generic in GENERIC_KINDS {
            assert!(
                kinds.iter().any(|k| k["vendor"] == vendor
                    && k["generic"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|g| g == generic)),
                "{vendor} has no kind for {generic}"
            );
        }
    }
}

#[tokio::test]
async fn journal_records_every_call_with_masked_credentials_and_fingerprints() {
    let s = TestServer::start().await;
    let token = fresh_token("secret");
    s.post(
        "/devrev/engagements.create",
        &bearer(&token),
        &devrev_body(),
    )
    .await;
    s.post(
        "/devrev/engagements.get",
        &bearer(&token),
        &json!({"id": "ENG-9"}),
    )
    .await;
    s.get("/devrev/nowhere", "Bearer x").await;
    let a = s.admin_get("/requests").await;
    assert!(
        !a.text.contains(&token),
        "the raw credential never appears in the journal"
    );
    let entries = a.json["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let first = &entries[0];
    assert_eq!(
        (
            first["vendor"].as_str(),
            first["operation"].as_str(),
            first["status"].as_u64()
        ),
        (Some("devrev"), Some("engagements.create"), Some(201))
    );
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/devrev/engagements.create");
    assert_eq!(first["request"]["body"]["title"], "QBR");
    assert_eq!(
        first["response"]["body"]["engagement"]["display_id"],
        "ENG-1"
    );
    let fp = first["tenant"].as_str().unwrap();
    assert!(fp.starts_with("t_") && fp.len() == 14);
    let auth = first["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "authorization")
        .unwrap();
    assert_eq!(auth[1], "Bearer ****");
    assert!(entries[0]["seq"].as_u64() < entries[1]["seq"].as_u64());
    assert_eq!(entries[2]["operation"], Value::Null);

    // Filters: the fingerprint and the raw credential name the same tenant.
    for tenant in [fp.to_owned(), token.clone()] {
        let a = s
            .admin_get(&format!("/requests?tenant={tenant}&status=404"))
            .await;
        assert_eq!(
            a.json["requests"].as_array().unwrap().len(),
            1,
            "{}",
            a.text
        );
    }
    let a = s
        .admin_get("/requests?operation=engagements.create&limit=1")
        .await;
    assert_eq!(a.json["requests"].as_array().unwrap().len(), 1);
    let a = s.admin_get("/requests?colour=red").await;
    assert_eq!(a.status, 400);
    assert!(a.json["message"].as_str().unwrap().contains("colour"));

    let count = async |filter: Value| {
        s.admin(Method::POST, "/requests/count", Some(&filter))
            .await
    };
    let a = count(json!({"vendor": "devrev", "body": {"/title": "QBR"}})).await;
    assert_eq!(a.json["count"], 1);
    let a = count(json!({"tenant": token})).await;
    assert_eq!(a.json["count"], 2);
    let a = count(json!({"nonsense": 1})).await;
    assert_eq!(a.status, 400);

    let a = s.admin(Method::DELETE, "/requests", None).await;
    assert_eq!(a.status, 200);
    let a = s.admin_get("/requests").await;
    assert_eq!(a.json["requests"], json!([]));
}

#[tokio::test]
async fn the_journal_is_a_bounded_ring() {
    let s = TestServer::configured(|c| c.journal_capacity = 5).await;
    let auth = bearer(&fresh_token("ring"));
    for _ in 0..12 {
        s.post("/devrev/engagements.count", &auth, &json!({})).await;
    }
    let a = s.admin_get("/requests").await;
    let seqs: Vec<u64> = a.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [8, 9, 10, 11, 12]);
}

/// The journal is bounded in bytes too: a body past 4 KiB is cut with a marker, and when the
/// entries held pass `--journal-max-bytes` the oldest go first, the newest always stay.
#[tokio::test]
async fn the_journal_is_bounded_in_bytes() {
    let budget = 64 * 1024;
    let s = TestServer::configured(|c| {
        c.journal_capacity = 1000;
        c.journal_max_bytes = budget;
    })
    .await;
    let merge = |content: String| json!({"model": {"subject": "Big", "content": content, "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}});
    let headers = [
        ("Authorization", "Bearer key"),
        ("X-Account-Token", "journal-bytes"),
    ];
    let path = "/merge/api/crm/v1/engagements";
    let a = s
        .request(
            Method::POST,
            path,
            &headers,
            Some(&merge("x".repeat(10_000))),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.json);
    let j = s.admin_get("/requests?limit=1").await;
    let kept = j.json["requests"][0]["request"]["body"].as_str().unwrap();
    assert!(kept.len() < 4200, "cut to about 4 KiB");
    assert!(
        kept.ends_with(&format!(
            "…[truncated {} bytes]",
            a_len(&merge("x".repeat(10_000))) - 4096
        )),
        "{}",
        &kept[kept.len() - 40..]
    );

    for n in 0..100 {
        let a = s
            .request(
                Method::POST,
                path,
                &headers,
                Some(&merge(format!("{n:0>3000}"))),
            )
            .await;
        assert_eq!(a.status, 201);
    }
    let j = s.admin_get("/requests").await;
    let entries = j.json["requests"].as_array().unwrap();
    let held: usize = entries
        .iter()
        .map(|e| e["request"]["body"].to_string().len() + e["response"]["body"].to_string().len())
        .sum();
    assert!(held <= budget, "bodies held: {held} bytes");
    assert!(
        entries.len() < 101 && entries.len() > 5,
        "{} entries",
        entries.len()
    );
    let last = &entries[entries.len() - 1];
    assert_eq!(
        last["request"]["body"]["model"]["content"],
        format!("{:0>3000}", 99),
        "the newest stays"
    );
    let seqs: Vec<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "what is kept is the newest run: {seqs:?}"
    );
}

fn a_len(body: &serde_json::Value) -> usize {
    serde_json::to_vec(body).unwrap().len()
}

#[tokio::test]
async fn reset_narrows_by_tenant_and_vendor() {
    let s = TestServer::start().await;
    let (a_tok, b_tok) = (fresh_token("reset-a"), fresh_token("reset-b"));
    for t in [&a_tok, &b_tok] {
        s.post("/devrev/engagements.create", &bearer(t), &devrev_body())
            .await;
    }
    let a = s
        .admin(Method::POST, &format!("/reset?tenant={a_tok}"), None)
        .await;
    assert_eq!(a.status, 200);
    let count = |t: String| {
        let s = &s;
        async move {
            s.post("/devrev/engagements.count", &bearer(&t), &json!({}))
                .await
                .json["count"]
                .as_u64()
                .unwrap()
        }
    };
    assert_eq!(count(a_tok.clone()).await, 0);
    assert_eq!(count(b_tok.clone()).await, 1);
    let a = s.admin(Method::POST, "/reset?vendor=nope", None).await;
    assert_eq!(a.status, 400);
    s.admin(Method::POST, "/reset?vendor=devrev", None).await;
    assert_eq!(count(b_tok).await, 0);
    s.admin(Method::POST, "/reset", None).await;
    let j = s.admin_get("/requests").await;
    assert_eq!(
        j.json["requests"],
        json!([]),
        "a full reset empties the journal"
    );
}

#[tokio::test]
async fn state_dump_shows_records_by_tenant_fingerprint() {
    let s = TestServer::start().await;
    let (a_tok, b_tok) = (fresh_token("dump-a"), fresh_token("dump-b"));
    s.post(
        "/devrev/engagements.create",
        &bearer(&a_tok),
        &devrev_body(),
    )
    .await;
    s.post(
        "/devrev/engagements.create",
        &bearer(&b_tok),
        &devrev_body(),
    )
    .await;
    let a = s
        .admin_get(&format!("/state?vendor=devrev&tenant={a_tok}"))
        .await;
    assert!(!a.text.contains(&a_tok));
    let tenants = a.json["devrev"].as_object().unwrap();
    assert_eq!(tenants.len(), 1);
    let (fp, records) = tenants.iter().next().unwrap();
    assert!(fp.starts_with("t_"));
    assert_eq!(records["engagements"][0]["display_id"], "ENG-1");
    let a = s.admin_get("/state").await;
    assert_eq!(a.json["devrev"].as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn an_admin_token_guards_every_admin_route() {
    let s = TestServer::configured(|c| c.admin_token = Some("s3cret".into())).await;
    for path in ["/health", "/requests", "/state", "/operations"] {
        let a = s.admin_get(path).await;
        assert_eq!(a.status, 401, "{path}");
        assert!(a.json["message"].is_string());
    }
    let a = s
        .send(s.http.get(s.url("/__admin/health")).bearer_auth("wrong"))
        .await;
    assert_eq!(a.status, 401);
    let a = s
        .send(s.http.get(s.url("/__admin/health")).bearer_auth("s3cret"))
        .await;
    assert_eq!(a.status, 200);
    let a = s.admin_get("/nope").await;
    assert_eq!(a.status, 401, "unknown admin paths are guarded too");
}

#[tokio::test]
async fn unknown_admin_routes_answer_json() {
    let s = TestServer::start().await;
    let a = s.admin_get("/nope").await;
    assert_eq!(a.status, 404);
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("/__admin/nope"));
}

#[tokio::test]
async fn a_vendor_can_be_served_at_the_root_of_its_own_port() {
    let s = TestServer::configured(|c| {
        c.vendor_listen = vec![("devrev".into(), "127.0.0.1:0".parse().unwrap())]
    })
    .await;
    let addr = s.sim.vendor_addrs()[0].1;
    let a = s
        .send(
            s.http
                .post(format!("http://{addr}/engagements.create"))
                .bearer_auth("own-port")
                .json(&devrev_body()),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    // Same state as the prefixed route.
    let a = s
        .post("/devrev/engagements.count", "Bearer own-port", &json!({}))
        .await;
    assert_eq!(a.json["count"], 1);
}

#[test]
fn listening_off_loopback_needs_an_admin_token() {
    let config = engagement_sim::Config {
        listen: "0.0.0.0:0".parse().unwrap(),
        ..engagement_sim::Config::ephemeral()
    };
    let err = engagement_sim::state::AppState::new(config)
        .err()
        .expect("refused");
    assert!(err.contains("--admin-token"), "{err}");
}
