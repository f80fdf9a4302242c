//! Merge's credentials and framework errors, and every error kind's envelope.

use reqwest::Method;
use serde_json::{json, Value};

use super::{Linked, BASE};
use crate::support::server::status_and_body;
use crate::support::{assert_contract, TestServer};

/// merge.md "Authentication": both headers are required; the account-token sentence is the one
/// observed in merge-python-client issue #5.
#[tokio::test]
async fn each_missing_credential_gets_merges_401() {
    let s = TestServer::start().await;
    let path = format!("{BASE}/engagements");
    let get = |headers: &'static [(&'static str, &'static str)]| {
        s.request(Method::GET, &path, headers, None)
    };
    let no_account = get(&[("Authorization", "Bearer key")]).await;
    assert_eq!(no_account.status, 401);
    assert_eq!(
        no_account.json,
        json!({"detail": "Account Token must be passed in as an X-Account-Token header."})
    );
    let no_key = get(&[("X-Account-Token", "acct")]).await;
    assert_eq!(no_key.status, 401);
    assert_eq!(
        no_key.json,
        json!({"detail": "Authentication credentials were not provided."})
    );
    let basic = get(&[("Authorization", "Basic abc"), ("X-Account-Token", "acct")]).await;
    assert_eq!(basic.status, 401);
    let empty = get(&[("Authorization", "Bearer key"), ("X-Account-Token", " ")]).await;
    assert_eq!(empty.status, 401);
    for a in [&no_account, &no_key, &basic, &empty] {
        assert_contract("merge", "error.response.json", &a.json);
    }
    snapshot!("merge_401_no_account_token", &no_account.status_and_body());
}

#[tokio::test]
async fn malformed_bodies_and_paths_answer_in_merges_envelope() {
    let s = TestServer::start().await;
    let m = Linked::new(&s);
    let headers = [
        ("Authorization", m.auth.as_str()),
        ("X-Account-Token", m.account.as_str()),
    ];
    let url = s.url(&format!("{BASE}/engagements"));
    let send = |ct: &'static str, body: String| {
        let mut req = s.http.post(url.clone()).header("Content-Type", ct);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        s.send(req.body(body))
    };
    let broken = send("application/json", "{\"model\": ".into()).await;
    assert_eq!(broken.status, 400);
    assert!(broken.json["detail"]
        .as_str()
        .unwrap()
        .starts_with("JSON parse error"));
    let text = send("text/plain", "{}".into()).await;
    assert_eq!(text.status, 415);
    let deep = send(
        "application/json",
        format!("{{\"model\":{}{}}}", "[".repeat(100), "]".repeat(100)),
    )
    .await;
    assert_eq!(deep.status, 400);
    let unknown = m.get("/nothing-here").await;
    assert_eq!(unknown.status, 404);
    let delete = m
        .call(
            Method::DELETE,
            "/engagements/0b6f6c2e-8a53-4d7a-9b0e-1d2c3b4a5f60",
            None,
        )
        .await;
    assert_eq!(delete.status, 405, "engagements have no DELETE (merge.md)");
    for a in [&broken, &text, &deep, &unknown, &delete] {
        assert_contract("merge", "error.response.json", &a.json);
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_in_merges_envelope() {
    let s = TestServer::configured(|c| c.body_limit = 256).await;
    let m = Linked::new(&s);
    let a = m.create(json!({"content": "x".repeat(1000)})).await;
    assert_eq!(a.status, 413);
    assert_contract("merge", "error.response.json", &a.json);
}

/// Merge as the simulator builds it, to render errors without a server.
fn merge_vendor() -> Box<dyn engagement_sim::vendor::Vendor> {
    engagement_sim::vendors::registry(&engagement_sim::Config::default().vendor_settings(0))
        .into_iter()
        .find(|v| v.name() == "merge")
        .unwrap()
}

/// Every error kind renders in Merge's envelope with its status; every generic kind maps onto
/// one; 429 carries `Retry-After` (merge.md "Rate limiting": both SDKs honour it).
#[tokio::test]
async fn every_error_kind_renders_in_a_merge_envelope() {
    let merge = merge_vendor();
    for generic in engagement_sim::vendor::GenericKind::ALL {
        assert!(
            merge.find_kind(generic.name()).is_some(),
            "{}",
            generic.name()
        );
    }
    for kind in merge.error_kinds() {
        let reply = merge.render_error(&engagement_sim::vendor::ApiError::new(kind, ""));
        assert_eq!(reply.status, kind.status, "{}", kind.name);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_contract("merge", "error.response.json", &body);
    }
    let throttled = merge.find_kind("rate_limited").unwrap();
    let reply = merge
        .render_error(&engagement_sim::vendor::ApiError::new(throttled, "").with("retry_after", 7));
    assert_eq!(reply.status.as_u16(), 429);
    assert_eq!(reply.headers.get("retry-after").unwrap(), "7");
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    snapshot!("merge_429", &status_and_body(reply.status.as_u16(), &body));
}

/// Every problem the shared pipeline can find is answered in Merge's envelope with a 4xx, and a
/// spent `rate_limits` entry is Merge's 429 with `Retry-After` (merge.md "Rate limiting").
#[test]
fn every_pipeline_problem_becomes_a_merge_4xx() {
    use engagement_sim::contract::{Violation, ViolationKind};
    use engagement_sim::vendor::Problem;
    let merge = merge_vendor();
    let problems = [
        Problem::UnknownPath {
            method: "GET".into(),
            path: "/merge/x".into(),
        },
        Problem::MethodNotAllowed {
            method: "DELETE".into(),
            path: "/merge/api/crm/v1/engagements".into(),
            allowed: vec!["GET", "POST"],
        },
        Problem::MissingCredential,
        Problem::MalformedCredential("bad".into()),
        Problem::RevokedCredential,
        Problem::ForbiddenCredential,
        Problem::UnsupportedContentType {
            content_type: "text/plain".into(),
        },
        Problem::BodyTooLarge { limit: 10 },
        Problem::TooDeep { limit: 64 },
        Problem::MalformedJson {
            line: 1,
            column: 2,
            detail: "EOF".into(),
        },
        Problem::EmptyBody,
        Problem::Contract(Violation {
            pointer: "/model/subject".into(),
            kind: ViolationKind::Other,
            message: "field 'model.subject' is invalid".into(),
            value: serde_json::Value::Null,
        }),
        Problem::RateLimited {
            retry_after_secs: 3,
            limit: 100,
            period_secs: 60,
        },
    ];
    for problem in problems {
        let label = format!("{problem:?}");
        let reply = merge.render_error(&merge.reject(problem));
        assert!(reply.status.is_client_error(), "{label}: {}", reply.status);
        let body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        assert_contract("merge", "error.response.json", &body);
        if label.starts_with("RateLimited") {
            assert_eq!(reply.status.as_u16(), 429);
            assert_eq!(reply.headers.get("retry-after").unwrap(), "3");
        }
        if label.starts_with("RevokedCredential") {
            assert_eq!(reply.status.as_u16(), 401);
        }
        if label.starts_with("ForbiddenCredential") {
            assert_eq!(reply.status.as_u16(), 403);
        }
    }
}
