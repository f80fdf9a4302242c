use super::*;
use crate::support::props::shared;
use proptest::prelude::*;

fn member() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..9999).prop_map(|n| format!("DEVU-{n}")),
        (1u32..9999).prop_map(|n| format!("don:identity:dvrv-us-1:devo/0:revu/{n}"))
    ]
}

prop_compose! {
    fn valid_create()(
        title in "[A-Za-z0-9 ]{1,40}",
        members in proptest::collection::vec(member(), 1..50),
        day in 1u32..28, hour in 0u32..24,
        kind in proptest::option::of(prop_oneof![Just("call"), Just("default"), Just("email"), Just("linked_in"), Just("offline")]),
        description in proptest::option::of("[ -~]{0,80}"),
        parent in proptest::option::of((1u32..500).prop_map(|n| format!("ACC-{n}"))),
    ) -> Value {
        let mut body = json!({"title": title, "members": members, "scheduled_date": format!("2026-03-{day:02}T{hour:02}:00:00Z")});
        if let Some(k) = kind { body["engagement_type"] = json!(k); }
        if let Some(d) = description { body["description"] = json!(d); }
        if let Some(p) = parent { body["parent"] = json!(p); }
        body
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any valid create answers 201, and a get returns exactly what the create returned.
    #[test]
    fn valid_creates_round_trip(body in valid_create()) {
        let sh = shared();
        let auth = bearer(&fresh_token("devrev-prop"));
        sh.runtime.block_on(async {
            let a = call(&sh.server, "engagements.create", &auth, &body).await;
            assert_eq!(a.status, 201, "{}", a.text);
            let e = &a.json["engagement"];
            assert_eq!(e["title"], body["title"]);
            assert_eq!(e["scheduled_date"], body["scheduled_date"]);
            assert_eq!(e["members"].as_array().unwrap().len(), {
                let mut m: Vec<_> = body["members"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
                m.sort(); m.dedup(); m.len()
            });
            let got = call(&sh.server, "engagements.get", &auth, &json!({"id": e["id"]})).await;
            assert_eq!(&got.json["engagement"], e);
        });
    }

    /// Breaking one field of a valid body gives a 400 naming that field, never a 5xx.
    #[test]
    fn invalid_mutations_name_the_field(body in valid_create(), field in prop_oneof![Just("title"), Just("members"), Just("scheduled_date"), Just("engagement_type"), Just("parent")], how in 0usize..4) {
        let sh = shared();
        let auth = bearer(&fresh_token("devrev-prop"));
        let mut body = body;
        let broken = match how {
            0 => json!(12345),
            1 => json!({"nested": true}),
            2 => json!([]),
            _ => json!(null),
        };
        body[field] = broken;
        sh.runtime.block_on(async {
            let a = call(&sh.server, "engagements.create", &auth, &body).await;
            assert_eq!(a.status, 400, "{body}: {}", a.text);
            assert!(a.json["field_name"].as_str().is_some_and(|f| f.starts_with(field)), "{body}: {}", a.text);
        });
    }
}
