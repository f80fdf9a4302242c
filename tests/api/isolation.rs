//! Isolation across every vendor: random operations interleaved from several tenants; no read,
//! list, journal filter or state dump by one tenant ever shows another's record, and resetting one
//! tenant leaves the others whole.

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::auth::vendor_credentials;
use crate::support::props::shared;
use crate::support::{fresh_token, Answer, TestServer};

const VENDORS: [&str; 5] = ["devrev", "merge", "salesforce", "siro", "seismic"];

async fn call(
    s: &TestServer,
    vendor: &str,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut req = s.http.request(method, s.url(path));
    for (k, v) in vendor_credentials(vendor, "iso-key", token) {
        req = req.header(k, v);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    s.send(req).await
}

/// Creates one record carrying `marker` somewhere in its stored fields.
async fn create(s: &TestServer, vendor: &str, token: &str, marker: &str) {
    let (method, path, body) = match vendor {
        "devrev" => (
            Method::POST,
            "/devrev/engagements.create",
            json!({"title": marker, "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"}),
        ),
        "merge" => (
            Method::POST,
            "/merge/api/crm/v1/engagements",
            json!({"model": {"subject": marker, "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}),
        ),
        "salesforce" => (
            Method::POST,
            "/salesforce/services/data/v63.0/connect/service-excellence/engagement-interactions",
            json!({"engagementInteraction": {"attendeeVerified": true, "communicationChannel": "Video Call", "startDateTime": "2026-12-01T15:00:00.000Z", "externalIdentifierId": marker}}),
        ),
        "siro" => (
            Method::PUT,
            "/siro/api-externalApi/v1/integrations/sync/engagements",
            json!({"externalId": marker, "subject": marker}),
        ),
        _ => (
            Method::POST,
            "/seismic/dsr/v1/dsrs",
            json!({"name": marker, "contents": [], "settings": {}}),
        ),
    };
    let a = call(s, vendor, token, method, path, Some(body)).await;
    assert!(
        a.status == 200 || a.status == 201,
        "{vendor} create: {} {}",
        a.status,
        a.text
    );
}

/// Everything the tenant can list of its records, as text.
async fn list(s: &TestServer, vendor: &str, token: &str) -> String {
    let a = match vendor {
        "devrev" => call(s, vendor, token, Method::POST, "/devrev/engagements.list", Some(json!({"limit": 100}))).await,
        "merge" => call(s, vendor, token, Method::GET, "/merge/api/crm/v1/engagements?page_size=100", None).await,
        "salesforce" => call(s, vendor, token, Method::GET, "/salesforce/services/data/v63.0/query?q=SELECT+Id,+ExternalIdentifierId+FROM+EngagementInteraction", None).await,
        "siro" => call(s, vendor, token, Method::GET, "/siro/api-externalApi/v1/integrations/engagements", None).await,
        _ => call(s, vendor, token, Method::GET, "/seismic/dsr/v1/dsrs?limit=100", None).await,
    };
    assert_eq!(a.status, 200, "{vendor} list: {}", a.text);
    a.text
}

#[derive(Debug, Clone)]
enum Step {
    Create { vendor: usize, tenant: usize },
    Look { vendor: usize, tenant: usize },
    Reset { tenant: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..VENDORS.len(), 0usize..3).prop_map(|(vendor, tenant)| Step::Create { vendor, tenant }),
        3 => (0..VENDORS.len(), 0usize..3).prop_map(|(vendor, tenant)| Step::Look { vendor, tenant }),
        1 => (0usize..3).prop_map(|tenant| Step::Reset { tenant }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn no_tenant_ever_sees_another(steps in proptest::collection::vec(step(), 1..40)) {
        let sh = shared();
        let run = fresh_token("iso");
        let tokens: Vec<String> = (0..3).map(|t| format!("{run}-tenant{t}")).collect();
        // What each tenant has created, per vendor, still alive.
        let mut alive: Vec<Vec<Vec<String>>> = vec![vec![Vec::new(); VENDORS.len()]; 3];
        sh.runtime.block_on(async {
            let s = &sh.server;
            for (n, step) in steps.iter().enumerate() {
                match step {
                    Step::Create { vendor, tenant } => {
                        let marker = format!("{run}-mark-t{tenant}-{n}");
                        create(s, VENDORS[*vendor], &tokens[*tenant], &marker).await;
                        alive[*tenant][*vendor].push(marker);
                    }
                    Step::Look { vendor, tenant } => {
                        let seen = list(s, VENDORS[*vendor], &tokens[*tenant]).await;
                        for (other, records) in alive.iter().enumerate() {
                            for m in &records[*vendor] {
                                assert_eq!(seen.contains(m.as_str()), other == *tenant, "{} tenant{tenant} listing vs {m}", VENDORS[*vendor]);
                            }
                        }
                        let dump = s.admin_get(&format!("/state?tenant={}", tokens[*tenant])).await.text;
                        let journal = s.admin_get(&format!("/requests?tenant={}", tokens[*tenant])).await.text;
                        for (other, records) in alive.iter().enumerate().filter(|(o, _)| o != tenant) {
                            for m in records.iter().flatten() {
                                assert!(!dump.contains(m.as_str()), "state dump of tenant{tenant} shows tenant{other}'s {m}");
                                assert!(!journal.contains(m.as_str()), "journal of tenant{tenant} shows tenant{other}'s {m}");
                            }
                        }
                    }
                    Step::Reset { tenant } => {
                        let a = s.admin(Method::POST, &format!("/reset?tenant={}", tokens[*tenant]), None).await;
                        assert_eq!(a.status, 200);
                        alive[*tenant].iter_mut().for_each(Vec::clear);
                        // The others are whole.
                        for (other, records) in alive.iter().enumerate().filter(|(o, _)| o != tenant) {
                            for (v, marks) in records.iter().enumerate() {
                                if let Some(m) = marks.last() {
                                    assert!(list(s, VENDORS[v], &tokens[other]).await.contains(m.as_str()), "reset of tenant{tenant} lost tenant{other}'s {m}");
                                }
                            }
                        }
                    }
                }
            }
            for t in &tokens {
                s.admin(Method::POST, &format!("/reset?tenant={t}"), None).await;
            }
        });
    }
}
