//! The bounds on what the simulator remembers about tenants apart from their state, each at a
//! small limit, showing what happens past it: `--max-retired-tenants` (a returning tenant whose
//! ids were dropped starts them over), `--max-rate-windows` (a tenant whose window was dropped
//! counts from zero again), `--max-counted-tenants` (further tenants share one scenario count)
//! and `--max-interned-credentials` (further credentials are still served).

use serde_json::{json, Value};

use crate::support::scenario::load;
use crate::support::{bearer, fresh_token, TestServer};

fn body() -> Value {
    json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})
}

async fn create(s: &TestServer, token: &str) -> (u16, Value) {
    let a = s
        .post("/devrev/engagements.create", &bearer(token), &body())
        .await;
    (a.status, a.json["engagement"]["id"].clone())
}

/// The id a tenant gets on its first create after coming back, when the vendor remembers the ids
/// of `retired` forgotten tenants and keeps one tenant.
async fn id_after_return(retired: usize) -> (Value, Value) {
    let s = TestServer::configured(|c| {
        c.max_tenants = 1;
        c.bookkeeping.retired_tenants = retired;
    })
    .await;
    let (a, b, c) = (
        fresh_token("ret-a"),
        fresh_token("ret-b"),
        fresh_token("ret-c"),
    );
    let (status, first) = create(&s, &a).await;
    assert_eq!(status, 201);
    // b makes a go (a's ids are remembered), c makes b go, and a's return makes c go: three
    // tenants' ids to remember.
    assert_eq!(create(&s, &b).await.0, 201);
    assert_eq!(create(&s, &c).await.0, 201);
    let (status, again) = create(&s, &a).await;
    assert_eq!(status, 201);
    (first, again)
}

#[tokio::test]
async fn past_max_retired_tenants_a_returning_tenant_starts_its_ids_over() {
    let (first, again) = id_after_return(3).await;
    assert_ne!(first, again, "within the bound, ids continue");
    let (first, again) = id_after_return(1).await;
    assert_eq!(
        first, again,
        "past the bound, the dropped tenant's ids start over (documented)"
    );
}

/// DevRev's `X-Ratelimit-Remaining` after a's three calls, with b calling between a's second
/// and third, when the vendor keeps `windows` rate-limit windows.
async fn remaining_after(windows: usize) -> Vec<u64> {
    let s = TestServer::configured(|c| c.bookkeeping.rate_windows = windows).await;
    let (a, b) = (bearer(&fresh_token("win-a")), bearer(&fresh_token("win-b")));
    let mut seen = Vec::new();
    for who in [&a, &a, &b, &a] {
        let r = s.post("/devrev/engagements.list", who, &json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        if who == &a {
            seen.push(r.header("x-ratelimit-remaining").unwrap().parse().unwrap());
        }
    }
    seen
}

#[tokio::test]
async fn past_max_rate_windows_a_tenant_counts_from_zero_again() {
    let kept = remaining_after(2).await;
    assert_eq!(kept[0] - kept[1], 1);
    assert_eq!(kept[1] - kept[2], 1, "within the bound the count goes on");
    let dropped = remaining_after(1).await;
    assert_eq!(
        dropped[2], dropped[0],
        "past the bound, b's window pushed a's out: a counts from zero again"
    );
}

const SECOND_FAILS: &str = "name: second-fails\nrules:\n  - { vendor: devrev, operation: engagements.create, when: { nth: [2] }, respond: { error: unavailable } }\n";

#[tokio::test]
async fn past_max_counted_tenants_further_tenants_share_one_count() {
    let s = TestServer::configured(|c| c.bookkeeping.counted_tenants = 2).await;
    load(&s, SECOND_FAILS).await;
    let tokens: Vec<String> = (0..4).map(|_| fresh_token("counted")).collect();
    let mut statuses = Vec::new();
    for t in &tokens {
        statuses.push(create(&s, t).await.0);
    }
    // The first two are counted each on its own (first call: 201); the third and fourth share
    // one count, so the fourth's first call is that count's second, and fails.
    assert_eq!(statuses, vec![201, 201, 201, 503]);
    let rule = &s.admin_get("/scenarios").await.json["scenarios"][0]["rules"][0];
    assert_eq!(rule["matched"], 4, "{rule}");
    // Within the bound, every tenant's first call is its own first.
    let s = TestServer::configured(|c| c.bookkeeping.counted_tenants = 4).await;
    load(&s, SECOND_FAILS).await;
    for _ in 0..4 {
        assert_eq!(create(&s, &fresh_token("counted")).await.0, 201);
    }
}

async fn interned(s: &TestServer) -> u64 {
    let m = s.admin_get("/metrics").await;
    m.text
        .lines()
        .find_map(|l| l.strip_prefix("engagement_sim_interned_credentials "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no interned gauge: {}", m.text))
}

#[tokio::test]
async fn past_max_interned_credentials_new_credentials_are_still_served() {
    let s = TestServer::configured(|c| c.bookkeeping.interned_credentials = 3).await;
    let tokens: Vec<String> = (0..10).map(|_| fresh_token("intern")).collect();
    for t in &tokens {
        assert_eq!(create(&s, t).await.0, 201);
    }
    for t in &tokens {
        let list = s
            .post("/devrev/engagements.list", &bearer(t), &json!({}))
            .await;
        let n = list.json["engagements"].as_array().map_or(0, Vec::len);
        assert_eq!(n, 1, "each credential sees exactly its own record");
    }
    assert_eq!(
        interned(&s).await,
        3,
        "past the bound nothing more is interned"
    );
}
