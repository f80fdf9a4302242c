//! Property tests of Merge's engagements: valid models round-trip through create, retrieve and
//! list; invalid bodies and queries always answer 4xx in Merge's envelope, never 5xx, and store
//! nothing; PATCH changes exactly the fields it names. One simulator per property, a fresh linked
//! account per case.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::support::props::PropServer;
use crate::support::{assert_contract, fresh_token, Answer, TestServer};

use super::BASE;
const CASES: u32 = 40;

/// One simulator per property; every call goes through a linked account of the case's choosing.
struct Harness(PropServer);

impl Harness {
    fn new() -> Harness {
        Harness(PropServer::new(TestServer::start()))
    }

    /// Runs `case` for `CASES` values of `strategy`, failing the test with the shrunk counterexample.
    fn check<S: Strategy>(
        &self,
        strategy: &S,
        case: impl Fn(S::Value) -> Result<(), TestCaseError>,
    ) {
        TestRunner::new(Config::with_cases(CASES))
            .run(strategy, case)
            .unwrap();
    }

    fn call(&self, account: &str, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let headers = [
            ("Authorization", "Bearer prop-key"),
            ("X-Account-Token", account),
        ];
        let Harness(p) = self;
        p.runtime.block_on(
            p.server
                .request(method, &format!("{BASE}{path}"), &headers, body),
        )
    }
}

fn uuid_text() -> impl Strategy<Value = String> {
    any::<[u8; 16]>().prop_map(|b| uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

fn date_time() -> impl Strategy<Value = String> {
    (0i64..4_000_000_000).prop_map(|s| {
        chrono::DateTime::from_timestamp(s, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    })
}

/// A model the create contract accepts.
fn valid_model() -> impl Strategy<Value = Value> {
    (
        uuid_text(),
        proptest::option::of(uuid_text()),
        proptest::option::of(".{0,40}"),
        proptest::option::of(".{0,80}"),
        proptest::option::of(prop_oneof![Just("INBOUND"), Just("OUTBOUND")]),
        proptest::option::of(date_time()),
        proptest::collection::vec(uuid_text(), 0..4),
    )
        .prop_map(
            |(etype, owner, subject, content, direction, start, contacts)| {
                let mut m = Map::new();
                m.insert("engagement_type".into(), json!(etype));
                m.insert("contacts".into(), json!(contacts));
                for (k, v) in [
                    ("owner", owner.map(Value::from)),
                    ("subject", subject.map(Value::from)),
                    ("content", content.map(Value::from)),
                    ("direction", direction.map(Value::from)),
                    ("start_time", start.map(Value::from)),
                ] {
                    if let Some(v) = v {
                        m.insert(k.into(), v);
                    }
                }
                Value::Object(m)
            },
        )
}

/// A JSON value of a type no engagement field of the given name takes.
fn wrong_value(field: &'static str) -> BoxedStrategy<Value> {
    let scalar = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(json!({"nested": true})),
    ];
    match field {
        "contacts" | "remote_fields" => prop_oneof![
            scalar.clone(),
            ".{0,10}".prop_map(Value::from),
            Just(json!([1, 2])),
        ]
        .boxed(),
        "direction" => prop_oneof![scalar, "[a-z]{1,8}".prop_map(Value::from)].boxed(),
        "owner" | "engagement_type" | "account" | "start_time" | "end_time" => prop_oneof![
            scalar,
            "[g-z ]{1,12}".prop_map(Value::from),
            Just(json!([]))
        ]
        .boxed(),
        _ => prop_oneof![scalar, Just(json!([]))].boxed(),
    }
}

const FIELDS: &[&str] = &[
    "owner",
    "subject",
    "content",
    "direction",
    "engagement_type",
    "start_time",
    "end_time",
    "account",
    "contacts",
    "remote_fields",
];

fn invalid_body() -> impl Strategy<Value = Value> {
    let wrong_field =
        (valid_model(), proptest::sample::select(FIELDS)).prop_flat_map(|(model, field)| {
            wrong_value(field).prop_map(move |v| {
                let mut m = model.clone();
                m[field] = v;
                json!({ "model": m })
            })
        });
    let not_an_object = prop_oneof![
        any::<i64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
        Just(Value::Null),
        Just(json!([{"model": {}}])),
    ];
    let bad_model = not_an_object.clone().prop_map(|m| json!({ "model": m }));
    prop_oneof![wrong_field, not_an_object, bad_model]
}

fn is_merge_client_error(a: &Answer) -> Result<(), TestCaseError> {
    prop_assert!((400..500).contains(&a.status), "{} {}", a.status, a.text);
    assert_contract("merge", "error.response.json", &a.json);
    Ok(())
}

#[test]
fn valid_models_round_trip_through_create_retrieve_and_list() {
    let h = Harness::new();
    h.check(&valid_model(), |model| {
        let account = fresh_token("merge-prop");
        let created = h.call(
            &account,
            Method::POST,
            "/engagements",
            Some(&json!({ "model": model })),
        );
        prop_assert_eq!(created.status, 201, "{}", created.text);
        assert_contract("merge", "engagements.create.response.json", &created.json);
        let id = created.json["model"]["id"].as_str().unwrap().to_owned();
        let read = h.call(&account, Method::GET, &format!("/engagements/{id}"), None);
        prop_assert_eq!(read.status, 200);
        for (k, v) in model.as_object().unwrap() {
            prop_assert_eq!(&read.json[k], v, "{}", k);
        }
        let list = h.call(&account, Method::GET, "/engagements", None);
        prop_assert_eq!(&list.json["results"][0], &read.json);
        Ok(())
    });
}

#[test]
fn invalid_bodies_answer_4xx_in_merges_envelope_and_store_nothing() {
    let h = Harness::new();
    h.check(&invalid_body(), |body| {
        let account = fresh_token("merge-prop");
        let a = h.call(&account, Method::POST, "/engagements", Some(&body));
        is_merge_client_error(&a)?;
        let list = h.call(&account, Method::GET, "/engagements", None);
        prop_assert_eq!(&list.json["results"], &json!([]));
        Ok(())
    });
}

#[test]
fn any_list_query_answers_200_or_4xx_never_5xx() {
    let h = Harness::new();
    let account = fresh_token("merge-prop");
    h.call(
        &account,
        Method::POST,
        "/engagements",
        Some(&json!({"model": {"engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}})),
    );
    let names = proptest::sample::select(vec![
        "cursor",
        "page_size",
        "created_after",
        "modified_before",
        "started_after",
        "expand",
        "remote_id",
        "include_remote_data",
    ]);
    let query = proptest::collection::vec((names, "[ -~]{0,16}"), 0..4);
    h.check(&query, |pairs| {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let a = h.call(&account, Method::GET, &format!("/engagements?{q}"), None);
        if a.status == 200 {
            assert_contract("merge", "engagements.list.response.json", &a.json);
        } else {
            is_merge_client_error(&a)?;
        }
        Ok(())
    });
}

#[test]
fn patch_changes_exactly_the_fields_it_names() {
    let h = Harness::new();
    let account = fresh_token("merge-prop");
    let created = h.call(
        &account,
        Method::POST,
        "/engagements",
        Some(&json!({"model": {"engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "subject": "s", "content": "c", "direction": "INBOUND"}})),
    );
    let id = created.json["model"]["id"].as_str().unwrap().to_owned();
    let patch = (
        proptest::option::of(proptest::option::of(".{0,20}")),
        proptest::option::of(proptest::option::of(".{0,20}")),
        proptest::option::of(proptest::option::of(prop_oneof![
            Just("INBOUND"),
            Just("OUTBOUND")
        ])),
    );
    h.check(&patch, |(subject, content, direction)| {
        let before = h
            .call(&account, Method::GET, &format!("/engagements/{id}"), None)
            .json;
        let mut model = Map::new();
        for (k, v) in [
            (
                "subject",
                subject.map(|s| s.map(Value::from).unwrap_or(Value::Null)),
            ),
            (
                "content",
                content.map(|s| s.map(Value::from).unwrap_or(Value::Null)),
            ),
            (
                "direction",
                direction.map(|s| s.map(Value::from).unwrap_or(Value::Null)),
            ),
        ] {
            if let Some(v) = v {
                model.insert(k.into(), v);
            }
        }
        let a = h.call(
            &account,
            Method::PATCH,
            &format!("/engagements/{id}"),
            Some(&json!({ "model": model })),
        );
        prop_assert_eq!(a.status, 200, "{}", a.text);
        let after = h
            .call(&account, Method::GET, &format!("/engagements/{id}"), None)
            .json;
        for k in [
            "subject",
            "content",
            "direction",
            "owner",
            "engagement_type",
            "contacts",
        ] {
            // A null is "not given": the field keeps its value.
            let expected = model.get(k).filter(|v| !v.is_null()).unwrap_or(&before[k]);
            prop_assert_eq!(&after[k], expected, "{}", k);
        }
        Ok(())
    });
}
