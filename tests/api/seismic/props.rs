//! Seismic REST properties: valid rooms round-trip, broken bodies answer 4xx in Seismic's envelope
//! (never 5xx), parallel creates never share an id, and ids and seeded data repeat for a seed.

use std::collections::HashSet;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::{context, first_template, from_template, tenant_state};
use crate::support::props::runtime;
use crate::support::{assert_contract, bearer, fresh_token, TestServer};

#[tokio::test]
async fn fifty_parallel_creates_never_share_an_id_or_lose_a_room() {
    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let template = first_template(&s, &token).await;
    let calls = (0..50).map(|i| {
        let body = json!({"templateId": template, "name": format!("parallel {i}")});
        let req = s
            .http
            .post(s.url("/seismic/dsr/v1/dsrs/fromTemplate"))
            .header("Authorization", bearer(&token))
            .json(&body);
        s.send(req)
    });
    let answers = futures_util::future::join_all(calls).await;
    let ids: HashSet<String> = answers
        .iter()
        .map(|a| a.json["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 50);
    let list = s
        .get("/seismic/dsr/v1/dsrs?limit=100", &bearer(&token))
        .await;
    assert_eq!(list.json["totalCount"], 50);
}

#[tokio::test]
async fn same_seed_and_requests_give_the_same_data_and_ids() {
    let token = fresh_token("seismic");
    let mut runs = Vec::new();
    for _ in 0..2 {
        let s = TestServer::configured(|c| c.seed = 7).await;
        let state = tenant_state(&s, &token).await;
        let room = from_template(
            &s,
            &token,
            &json!({"templateId": state["templates"][0]["templateId"]}),
        )
        .await;
        runs.push((
            json!([
                &state["templates"],
                &state["contentVersions"],
                &state["user"]
            ]),
            state["meetings"].clone(),
            room.json["id"].clone(),
            room.json["linkUrl"].clone(),
        ));
    }
    assert_eq!(runs[0], runs[1]);
    let other = TestServer::configured(|c| c.seed = 8).await;
    assert_ne!(tenant_state(&other, &token).await["meetings"], runs[0].1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Any room name and any set of well-formed contexts round-trip through create and get.
    #[test]
    fn valid_rooms_round_trip(name in "[A-Za-z0-9][A-Za-z0-9 ,.'-]{0,39}", n in 0usize..3, kind in prop::sample::select(vec!["Account", "Opportunity", "Contact", "Lead"])) {
        runtime().block_on(async {
            let s = TestServer::start().await;
            let token = fresh_token("seismic");
            let template = first_template(&s, &token).await;
            let mut ctx = context();
            ctx["contextType"] = json!(kind);
            let contexts = vec![ctx; n];
            let a = from_template(&s, &token, &json!({"templateId": template, "name": name, "contexts": contexts})).await;
            assert_eq!(a.status, 201, "{}", a.text);
            let got = s.get(&format!("/seismic/dsr/v1/dsrs/{}", a.json["id"].as_str().unwrap()), &bearer(&token)).await;
            assert_eq!(&got.json["name"], &json!(name));
            assert_eq!(&got.json["contexts"], &json!(contexts));
        });
    }

    /// Breaking a valid body anywhere answers 4xx in Seismic's envelope, never 5xx.
    #[test]
    fn invalid_mutations_answer_4xx_in_the_envelope(
        field in prop::sample::select(vec!["templateId", "name", "contexts", "contextId", "systemType", "extra"]),
        value in prop_oneof![Just(json!(null)), Just(json!(42)), Just(json!([])), Just(json!({})), Just(json!(true))],
    ) {
        // An empty list of contexts is valid.
        prop_assume!(!(field == "contexts" && value == json!([])));
        runtime().block_on(async {
            let s = TestServer::start().await;
            let token = fresh_token("seismic");
            let template = first_template(&s, &token).await;
            let mut body = json!({"templateId": template, "name": "n", "contexts": [context()]});
            match field {
                "contextId" | "systemType" | "extra" => { body["contexts"][0][field] = value; }
                _ => { body[field] = value; }
            }
            let a = from_template(&s, &token, &body).await;
            assert!((400..500).contains(&a.status), "{} {}", a.status, a.text);
            assert_contract("seismic", "error.response.json", &a.json);
        });
    }
}

/// Tool arguments broken anywhere come back as `isError` results with a 4xx Seismic body, never as
/// protocol errors or 5xx: one server and session, cases drawn by proptest.
#[tokio::test]
async fn broken_tool_arguments_are_tool_errors_never_protocol_errors() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    let s = TestServer::start().await;
    let token = fresh_token("seismic");
    let client = super::connect(&s, &token).await;
    let template = first_template(&s, &token).await;
    let valid = [
        (
            "create_dsr_engagement",
            json!({"templateId": template, "name": "n", "contexts": [context()]}),
        ),
        (
            "add_content_to_dsr",
            json!({"dsrId": "d-1", "contentVersionId": "c-1"}),
        ),
        (
            "get_comments_from_dsr",
            json!({"dsrId": "d-1", "systemId": "s-1"}),
        ),
        (
            "create_dsr_engagement_with_meeting_followup",
            json!({"meetingId": "00000000-0000-4000-8000-000000000000", "dsrTemplateId": template}),
        ),
        (
            "get_the_dsr_engagement_list",
            json!({"limit": 5, "contextType": "Account"}),
        ),
    ];
    let strategy = (
        0..valid.len(),
        // Wrong for every argument of every tool (an integer would be a valid `limit`).
        prop::sample::select(vec![json!(null), json!({}), json!(true), json!(-1.5)]),
        0usize..3,
    );
    let mut runner = TestRunner::deterministic();
    for _ in 0..48 {
        let (tool, value, which) = strategy.new_tree(&mut runner).unwrap().current();
        let (name, mut args) = valid[tool].clone();
        let keys: Vec<String> = args.as_object().unwrap().keys().cloned().collect();
        let key = keys[which % keys.len()].clone();
        args[&key] = value.clone();
        let result = super::call(&client, name, args.clone()).await;
        assert_eq!(result.is_error, Some(true), "{name} {args}: {result:?}");
        let text = result.content[0].as_text().unwrap().text.clone();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_contract("seismic", "error.response.json", &body);
        let status = body["statusCode"].as_u64().unwrap();
        assert!((400..500).contains(&status), "{name} {args}: {text}");
    }
}
