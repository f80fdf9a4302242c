use super::*;
use crate::support::props::shared;
use engagement_sim::scenario::model::Document;
use proptest::prelude::*;

fn rule() -> impl Strategy<Value = Value> {
    let op = prop_oneof![
        Just(None),
        Just(Some("engagements.create")),
        Just(Some("engagements.count")),
        Just(Some("engagements.nope"))
    ];
    let when = prop_oneof![
        Just(json!({})),
        (1u64..5).prop_map(|n| json!({"nth": [n]})),
        (0u64..4).prop_map(|n| json!({"times": n})),
        (0u64..4).prop_map(|n| json!({"every": n})),
        (-1.0f64..2.0).prop_map(|p| json!({"probability": p})),
    ];
    let action = prop_oneof![
        Just(json!({"respond": {"error": "unavailable"}})),
        Just(json!({"respond": {"error": "too_many_requests", "retry_after": 1}})),
        Just(json!({"respond": {"error": "no_such_kind"}})),
        (100u64..700).prop_map(|st| json!({"respond": {"status": st, "body": {"x": 1}}})),
        Just(json!({"delay_ms": 1})),
        Just(json!({})),
    ];
    (
        prop_oneof![Just("devrev"), Just("nobody")],
        op,
        when,
        action,
    )
        .prop_map(|(vendor, op, when, action)| {
            let mut r = json!({"vendor": vendor, "when": when});
            if let Some(op) = op {
                r["operation"] = json!(op);
            }
            for (k, v) in action.as_object().unwrap() {
                r[k] = v.clone();
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any document: refused with problems (400) or loaded (201), never a 5xx; what loads
    /// round-trips through its serialised form; calls afterwards never 5xx unless a rule
    /// asked for that status.
    #[test]
    fn any_document_is_refused_or_loaded_never_panics(rules in proptest::collection::vec(rule(), 0..4), as_json in any::<bool>()) {
        let sh = shared();
        let name = fresh_token("prop-doc");
        // Every rule is scoped to this case's tenant: the server is shared with other tests.
        let rules: Vec<Value> = rules.into_iter().map(|mut r| { r["tenant"] = json!(name); r }).collect();
        let doc = json!({"name": name, "rules": rules});
        let text = if as_json { doc.to_string() } else { serde_norway::to_string(&doc).unwrap() };
        let vendors = engagement_sim::vendors::registry(&engagement_sim::Config::default().vendor_settings(0));
        let parsed = engagement_sim::scenario::parse::parse("prop", &text, &vendors);
        if let Ok(d) = &parsed {
            let again: Document = serde_norway::from_str(&serde_norway::to_string(d).unwrap()).unwrap();
            prop_assert_eq!(&again, d);
        }
        sh.runtime.block_on(async {
            let s = &sh.server;
            let a = s.send(s.http.post(s.url("/__admin/scenarios")).header("Content-Type", "application/yaml").body(text.clone())).await;
            assert_eq!(a.status, if parsed.is_ok() { 201 } else { 400 }, "{text}: {}", a.text);
            let asked_5xx = rules.iter().any(|r| r["respond"]["status"].as_u64().is_some_and(|st| st >= 500) || r["respond"]["error"] == "unavailable");
            for _ in 0..3 {
                // The rules may script raw answers of any shape.
                let r = s.send_raw(s.http.post(s.url("/devrev/engagements.count")).header("Authorization", bearer(&name)).json(&json!({}))).await;
                assert!(r.status < 500 || asked_5xx, "{text}: {} {}", r.status, r.text);
            }
            s.admin(Method::DELETE, &format!("/scenarios/{name}"), None).await;
        });
    }
}
