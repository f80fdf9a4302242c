//! Property tests: valid interactions round-trip; invalid ones get one 4xx error, never a 5xx.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::support::props::runtime;
use crate::support::{assert_contract, TestServer};

fn arb_text() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9 ]{0,20}"
}

fn arb_time() -> impl Strategy<Value = String> {
    (2000u32..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60)
        .prop_map(|(y, mo, d, h, mi)| format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00.000Z"))
}

fn arb_interaction() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        arb_text(),
        arb_time(),
        proptest::option::of(arb_text()),
        proptest::collection::vec((arb_time(), any::<bool>(), arb_text()), 0..3),
        proptest::collection::vec(arb_text(), 0..3),
    )
        .prop_map(|(verified, channel, start, sentiment, attendees, topics)| {
            let mut e = json!({
                "attendeeVerified": verified,
                "communicationChannel": channel,
                "startDateTime": start,
                "engagementAttendees": attendees.into_iter().map(|(t, v, role)| json!({
                    "startDateTime": t, "isVerified": v, "isAuthenticated": !v,
                    "externalAttendeeId": "001xx000003DGb2AAG", "role": role
                })).collect::<Vec<_>>(),
                "engagementTopics": topics.into_iter().map(|n| json!({"name": n})).collect::<Vec<_>>(),
            });
            if let Some(s) = sentiment {
                e["sentiment"] = json!(s);
            }
            json!({ "engagementInteraction": e })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_interaction_round_trips_through_create_and_fetch(body in arb_interaction()) {
        let rt = runtime();
        rt.block_on(async {
            let s = TestServer::start().await;
            let auth = auth();
            let created = create(&s, &auth, &body).await;
            assert_eq!(created.status, 201, "{}", created.text);
            let id = created.json["engagementInteraction"]["id"].as_str().unwrap();
            let got = s.get(&interaction_url("v63.0", id), &auth).await;
            assert_contract("salesforce", "engagement_interactions.get.response.json", &got.json);
            let (sent, back) = (&body["engagementInteraction"], &got.json["engagementInteraction"]);
            for k in ["attendeeVerified", "communicationChannel", "startDateTime"] {
                assert_eq!(&sent[k], &back[k], "{k}");
            }
            assert_eq!(sent.get("sentiment").unwrap_or(&Value::Null), &back["sentiment"]);
            let names: Vec<&Value> = back["engagementTopics"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
            let sent_names: Vec<&Value> = sent["engagementTopics"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
            assert_eq!(names, sent_names);
            assert_eq!(back["engagementAttendees"].as_array().unwrap().len(), sent["engagementAttendees"].as_array().unwrap().len());
        });
    }

    #[test]
    fn any_invalid_interaction_gets_one_4xx_error_never_a_5xx(
        body in arb_interaction(),
        field in prop::sample::select(vec!["attendeeVerified", "communicationChannel", "startDateTime", "engagementTopics", "engagementAttendees", "contextId"]),
        junk in prop::sample::select(vec![json!(null), json!(17), json!("not a date"), json!([1]), json!({"a": 1}), json!(true)]),
    ) {
        let mut body = body;
        body["engagementInteraction"][field] = junk.clone();
        let valid_anyway = (field == "communicationChannel" && junk.is_string())
            || (field == "attendeeVerified" && junk.is_boolean())
            || (field == "contextId" && junk.is_null());
        let rt = runtime();
        rt.block_on(async {
            let s = TestServer::start().await;
            let a = create(&s, &auth(), &body).await;
            if valid_anyway {
                assert_eq!(a.status, 201, "{}", a.text);
            } else {
                assert!((400..500).contains(&a.status), "{} {}", a.status, a.text);
                assert_error(&a, a.status, a.json[0]["errorCode"].as_str().unwrap());
            }
        });
    }
}
