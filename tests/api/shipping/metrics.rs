//! `GET /__admin/metrics`: strict Prometheus/OpenMetrics text whose counts follow the calls,
//! rule fires, faults, the journal and the store.

use std::collections::BTreeMap;

use serde_json::json;

use crate::support::{scenario, TestServer};

/// Parses the exposition strictly: every line a `# HELP`, `# TYPE` or `# UNIT` of a valid name, a
/// sample of a declared family with well-formed labels and a numeric value, and `# EOF` last.
/// Answers each sample (name with its label text) and its value.
fn parse(text: &str) -> BTreeMap<String, f64> {
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.chars().enumerate().all(|(i, c)| {
                c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())
            })
    };
    let mut families: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "ends with # EOF");
    for line in &lines[..lines.len() - 1] {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name) = (parts.next().unwrap(), parts.next().unwrap_or(""));
            assert!(valid_name(name), "metric name in {line:?}");
            match kind {
                "HELP" | "UNIT" => {}
                "TYPE" => {
                    let ty = parts.next().unwrap_or("");
                    assert!(
                        [
                            "counter",
                            "gauge",
                            "histogram",
                            "summary",
                            "info",
                            "stateset",
                            "unknown"
                        ]
                        .contains(&ty),
                        "{line:?}"
                    );
                    assert!(
                        families.insert(name.to_owned(), ty.to_owned()).is_none(),
                        "one TYPE per family: {line:?}"
                    );
                }
                _ => panic!("unknown comment {line:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        let parsed: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse().unwrap_or_else(|_| panic!("value in {line:?}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((n, l)) => (
                n,
                Some(l.strip_suffix('}').unwrap_or_else(|| panic!("{line:?}"))),
            ),
            None => (series, None),
        };
        assert!(valid_name(name), "{line:?}");
        let family = ["_total", "_bucket", "_sum", "_count", "_created"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| families.contains_key(*f)))
            .unwrap_or(name);
        assert!(
            families.contains_key(family),
            "sample of an undeclared family: {line:?}"
        );
        if let Some(labels) = labels {
            let mut rest = labels;
            while !rest.is_empty() {
                let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("{line:?}"));
                assert!(valid_name(key), "label name in {line:?}");
                let mut chars = after.char_indices();
                let end = loop {
                    match chars.next() {
                        Some((_, '\\')) => {
                            chars.next();
                        }
                        Some((i, '"')) => break i,
                        Some(_) => {}
                        None => panic!("unterminated label value in {line:?}"),
                    }
                };
                rest = &after[end + 1..];
                rest = rest.strip_prefix(',').unwrap_or(rest);
            }
        }
        samples.insert(series.to_owned(), parsed);
    }
    samples
}

async fn scrape(s: &TestServer) -> BTreeMap<String, f64> {
    let a = s.admin_get("/metrics").await;
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").unwrap_or("").contains("text"));
    parse(&a.text)
}

fn get(samples: &BTreeMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn counts_follow_calls_rules_faults_journal_and_store() {
    let s = TestServer::start().await;
    scenario::load(
        &s,
        "name: metered\nrules:\n  - vendor: devrev\n    match: { body: { \"/title\": \"boom\" } }\n    fault: malformed_body\n  - vendor: devrev\n    operation: engagements.get\n    respond: { error: not_found }\n",
    )
    .await;
    let before = scrape(&s).await;
    let created = r#"engagement_sim_requests_total{vendor="devrev",operation="engagements.create",status="201"}"#;
    assert_eq!(get(&before, created), 0.0);
    let body =
        json!({"title": "QBR", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"});
    for _ in 0..2 {
        assert_eq!(
            s.post("/devrev/engagements.create", "Bearer metrics-t", &body)
                .await
                .status,
            201
        );
    }
    s.get("/devrev/engagements.get?id=ENG-1", "Bearer metrics-t")
        .await;
    let _ = s
        .http
        .post(s.url("/devrev/engagements.create"))
        .bearer_auth("metrics-t")
        .json(&json!({"title": "boom", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"}))
        .send()
        .await;
    let after = scrape(&s).await;
    // The faulted create was made too: the fault spoils its answer's body, not the status.
    assert_eq!(get(&after, created), 3.0, "{after:#?}");
    assert_eq!(
        get(
            &after,
            r#"engagement_sim_requests_total{vendor="devrev",operation="engagements.get",status="404"}"#
        ),
        1.0
    );
    assert_eq!(
        get(
            &after,
            r#"engagement_sim_request_duration_seconds_count{vendor="devrev"}"#
        ),
        4.0
    );
    assert_eq!(
        get(
            &after,
            r#"engagement_sim_request_duration_seconds_bucket{le="+Inf",vendor="devrev"}"#
        ),
        4.0,
        "{after:#?}"
    );
    for rule in ["metered#0", "metered#1"] {
        let series =
            format!(r#"engagement_sim_rule_fires_total{{scenario="metered",rule="{rule}"}}"#);
        assert_eq!(get(&after, &series), 1.0, "{after:#?}");
    }
    assert_eq!(
        get(
            &after,
            r#"engagement_sim_faults_total{vendor="devrev",fault="malformed_body"}"#
        ),
        1.0
    );
    assert!(get(&after, "engagement_sim_journal_entries") >= 4.0);
    assert!(
        get(&after, "engagement_sim_journal_bytes") > get(&before, "engagement_sim_journal_bytes")
    );
    assert_eq!(
        get(&after, r#"engagement_sim_stored_records{vendor="devrev"}"#),
        3.0
    );
    s.sim.stop().await;
}
