//! Properties over generated sync bodies (64 cases each, one server per property): any valid sync
//! round-trips through get and list; syncing the same body twice changes nothing but `updatedAt`;
//! invalid mutations are answered 4xx in Siro's envelope, never 5xx.

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

use super::{auth, frozen_server, BASE, SYNC};
use crate::support::assert_contract;
use crate::support::props::PropServer;
use crate::support::TestServer;

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ._-]{1,16}"
}

fn nested(key: &'static str) -> impl Strategy<Value = Option<(String, Value)>> {
    proptest::option::of(("[a-z0-9-]{1,10}", text()).prop_map(move |(ext, name)| {
        let name_field = if key == "lead" { "firstName" } else { "name" };
        (key.to_owned(), json!({"externalId": ext, name_field: name}))
    }))
}

prop_compose! {
    fn sync_body()(
        external_id in "[a-zA-Z0-9_-]{1,24}",
        direction in proptest::option::of(prop_oneof![Just("INBOUND"), Just("OUTBOUND")]),
        subject in proptest::option::of(text()),
        content in proptest::option::of(text()),
        start in proptest::option::of((1u32..28, 0u32..24)),
        activity in proptest::option::of(prop_oneof![Just("MEETING"), Just("CALL"), Just("EMAIL"), Just("TEXT")]),
        account in nested("account"),
        opportunity in nested("opportunity"),
        lead in nested("lead"),
        users in proptest::collection::vec(("[a-z]{1,8}", text()), 0..3),
    ) -> Value {
        let mut body = Map::new();
        body.insert("externalId".into(), json!(external_id));
        if let Some(d) = direction { body.insert("direction".into(), json!(d)); }
        if let Some(s) = subject { body.insert("subject".into(), json!(s)); }
        if let Some(c) = content { body.insert("content".into(), json!(c)); }
        if let Some((d, h)) = start {
            body.insert("startTime".into(), json!(format!("2026-11-{d:02}T{h:02}:00:00Z")));
        }
        if let Some(a) = activity {
            body.insert("engagementType".into(), json!({"name": format!("{a} type"), "activityType": a}));
        }
        for (key, value) in [account, opportunity, lead].into_iter().flatten() {
            body.insert(key, value);
        }
        let users: Vec<Value> = users.into_iter().map(|(ext, name)| json!({"externalId": ext, "name": name})).collect();
        body.insert("engagementUsers".into(), Value::Array(users));
        Value::Object(body)
    }
}

/// A valid body broken in one way the schema forbids.
fn mutation() -> impl Strategy<Value = (String, Value)> {
    prop_oneof![
        Just(("externalId".to_owned(), Value::Null)),
        Just(("externalId".to_owned(), json!(17))),
        Just(("direction".to_owned(), json!("UPWARD"))),
        Just(("subject".to_owned(), json!(["not", "a", "string"]))),
        Just(("deletedAt".to_owned(), json!("not a date"))),
        Just((
            "engagementType".to_owned(),
            json!({"name": "x", "activityType": "SMOKE_SIGNAL"})
        )),
        Just((
            "opportunity".to_owned(),
            json!({"externalId": "o", "disposition": "PENDING"})
        )),
        Just(("engagementUsers".to_owned(), json!([{"name": "no id"}]))),
        Just((
            "account".to_owned(),
            json!({"externalId": "a", "addresses": [{}]})
        )),
        Just(("account".to_owned(), json!({"externalId": "never-synced"}))),
        Just(("contact".to_owned(), json!("a string"))),
    ]
}

/// Runs a property over one frozen server, 64 cases, each as an organization of its own.
fn check<S: Strategy>(
    strategy: S,
    case: impl AsyncFn(&TestServer, String, S::Value) -> Result<(), TestCaseError>,
) {
    let p = PropServer::new(frozen_server());
    let config = ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    TestRunner::new(config)
        .run(&strategy, |value| {
            p.runtime.block_on(case(&p.server, auth(), value))
        })
        .unwrap();
}

#[test]
fn any_valid_sync_round_trips_through_get_and_list() {
    check(sync_body(), async |s, auth, body| {
        let a = s.put(SYNC, &auth, &body).await;
        prop_assert_eq!(a.status, 200, "{}", a.text);
        assert_contract("siro", "engagements.sync.response.json", &a.json);
        let e = &a.json["data"];
        for field in ["externalId", "direction", "subject", "content", "startTime"] {
            prop_assert_eq!(
                &e.get(field).cloned().unwrap_or(Value::Null),
                &body.get(field).cloned().unwrap_or(Value::Null),
                "{}",
                field
            );
        }
        let got = s
            .get(
                &format!(
                    "{BASE}/engagements/{}",
                    e["id"].as_str().unwrap_or_default()
                ),
                &auth,
            )
            .await;
        prop_assert_eq!(&got.json, e);
        let ext = body["externalId"].as_str().unwrap_or_default();
        let listed = s
            .get(&format!("{BASE}/engagements?externalId={ext}"), &auth)
            .await;
        prop_assert_eq!(&listed.json["data"][0], e);
        Ok(())
    });
}

#[test]
fn syncing_the_same_body_twice_changes_nothing_but_updated_at() {
    check(sync_body(), async |s, auth, body| {
        let first = s.put(SYNC, &auth, &body).await.json["data"].clone();
        s.sim.state().clock.advance(1_000);
        let mut second = s.put(SYNC, &auth, &body).await.json["data"].clone();
        prop_assert_ne!(&first["updatedAt"], &second["updatedAt"]);
        // Nested records are re-upserted too, so their updatedAt moves with the engagement's.
        strip_updated_at(&mut second);
        let mut first = first;
        strip_updated_at(&mut first);
        prop_assert_eq!(first, second);
        Ok(())
    });
}

fn strip_updated_at(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("updatedAt");
            map.values_mut().for_each(strip_updated_at);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_updated_at),
        _ => {}
    }
}

#[test]
fn invalid_mutations_are_answered_4xx_in_siros_envelope_never_5xx() {
    check(
        (sync_body(), mutation()),
        async |s, auth, (body, (field, value))| {
            let mut broken = body.clone();
            broken[field.as_str()] = value;
            let a = s.put(SYNC, &auth, &broken).await;
            prop_assert!((400..500).contains(&a.status), "{} {}", a.status, a.text);
            assert_contract("siro", "error.response.json", &a.json);
            let list = s.get(&format!("{BASE}/engagements"), &auth).await;
            prop_assert_eq!(
                &list.json["total"],
                &json!(0),
                "a refused sync stores nothing"
            );
            Ok(())
        },
    );
}
