//! Stubs go through the whole pipeline: credentials in the vendor's scheme, scenario rules that
//! name a stub's id, the journal, tenant isolation; templates render every input; broken
//! templates are refused with located problems; built-ins win calls they take.

use super::*;

const ECHO: &str = r#"
name: echo
rules:
  - vendor: devrev
    operation: things.echo
    match: { header: { x-fail: "yes" } }
    respond: { error: unavailable }
stubs:
  - id: things.echo
    vendor: devrev
    method: POST
    path: /things/{kind}/echo
    headers:
      X-Thing: "{{path.kind}}-{{id.uuid}}"
    body:
      kind: "{{path.kind}}"
      page: "{{query.page}}"
      agent: "{{header.user-agent}}"
      whole: "{{body}}"
      title: "{{body/title}}"
      count: "{{body/count}}"
      tenant: "{{tenant}}"
      now: "{{now}}"
      uuid: "{{id.uuid}}"
      don: "{{id.don.widget}}"
      sfid: "{{id.salesforce.001}}"
      who: "{{fake.name}}"
      text: "n={{body/count}}!"
"#;

#[tokio::test]
async fn a_stub_renders_every_input_and_keeps_types() {
    let s = TestServer::configured(|c| {
        c.clock = Some("2026-03-01T10:00:00Z".parse().unwrap());
    })
    .await;
    load(&s, ECHO).await;
    let token = fresh_token("echo");
    let body = json!({"title": "QBR", "count": 3});
    let a = s
        .request(
            Method::POST,
            "/devrev/things/widget/echo?page=2",
            &[
                ("Authorization", &bearer(&token)),
                ("User-Agent", "probe/1"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let j = &a.json;
    assert_eq!(
        (j["kind"].clone(), j["page"].clone(), j["agent"].clone()),
        (json!("widget"), json!("2"), json!("probe/1"))
    );
    assert_eq!(j["whole"], body);
    assert_eq!(j["count"], 3, "a whole expression keeps its JSON type");
    assert_eq!(j["text"], "n=3!");
    assert_eq!(j["now"], "2026-03-01T10:00:00.000Z");
    assert!(j["tenant"].as_str().unwrap().starts_with("t_"));
    assert!(j["don"]
        .as_str()
        .unwrap()
        .starts_with("don:core:dvrv-us-1:devo/0:widget/"));
    assert_eq!(j["sfid"].as_str().unwrap().len(), 18);
    assert!(!j["who"].as_str().unwrap().is_empty());
    let uuid = j["uuid"].as_str().unwrap();
    assert_eq!(
        a.header("x-thing"),
        Some(format!("widget-{uuid}").as_str()),
        "one fresh id per kind per call"
    );
    let again = s
        .request(
            Method::POST,
            "/devrev/things/widget/echo",
            &[("Authorization", &bearer(&token))],
            Some(&body),
        )
        .await;
    assert_ne!(again.json["uuid"], j["uuid"], "each call mints new ids");
    assert_eq!(
        again.json["page"],
        Value::Null,
        "a missing query value is null"
    );
}

#[tokio::test]
async fn a_stub_takes_the_vendors_credentials_rules_and_journal() {
    let s = TestServer::start().await;
    load(&s, ECHO).await;
    let anonymous = s
        .request(Method::POST, "/devrev/things/a/echo", &[], Some(&json!({})))
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text);
    assert_eq!(
        anonymous.json["type"], "unauthenticated",
        "DevRev's envelope: {}",
        anonymous.text
    );

    let auth = bearer(&fresh_token("rule"));
    let refused = s
        .request(
            Method::POST,
            "/devrev/things/a/echo",
            &[("Authorization", &auth), ("X-Fail", "yes")],
            Some(&json!({})),
        )
        .await;
    assert_eq!(
        refused.status, 503,
        "the rule naming the stub's id fires: {}",
        refused.text
    );
    let ok = s
        .request(
            Method::POST,
            "/devrev/things/a/echo",
            &[("Authorization", &auth)],
            Some(&json!({})),
        )
        .await;
    assert_eq!(ok.status, 200);
    let journal = s.admin_get("/requests?operation=things.echo").await;
    let entries = journal.json["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{}", journal.text);
    assert!(
        entries.iter().any(|e| e["rule"] == "echo#0"),
        "{}",
        journal.text
    );
}

const NOTES: &str = r#"
name: notes
stubs:
  - id: notes.put
    vendor: siro
    method: PUT
    path: /v1/notes/{id}
    store: { collection: notes, key: "{{path.id}}", set: { id: "{{path.id}}" } }
    body: "{{stored}}"
  - id: notes.get
    vendor: siro
    method: GET
    path: /v1/notes/{id}
    store: { collection: notes, key: "{{path.id}}" }
    body: "{{stored}}"
  - id: notes.list
    vendor: siro
    method: GET
    path: /v1/notes
    store: { collection: notes }
    body: { notes: "{{stored}}" }
"#;

#[tokio::test]
async fn stored_records_belong_to_their_tenant() {
    let s = TestServer::start().await;
    load(&s, NOTES).await;
    let (alice, bob) = (bearer(&fresh_token("alice")), bearer(&fresh_token("bob")));
    for id in ["b", "a"] {
        let a = s
            .put(
                &format!("/siro/v1/notes/{id}"),
                &alice,
                &json!({"text": id}),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
    }
    let list = s.get("/siro/v1/notes", &alice).await;
    assert_eq!(
        list.json,
        json!({"notes": [{"text": "b", "id": "b"}, {"text": "a", "id": "a"}]}),
        "in write order"
    );
    assert_eq!(s.get("/siro/v1/notes/a", &alice).await.json["text"], "a");
    assert_eq!(
        s.get("/siro/v1/notes/a", &bob).await.status,
        404,
        "another tenant sees nothing"
    );
    assert_eq!(
        s.get("/siro/v1/notes", &bob).await.json,
        json!({"notes": []})
    );

    let reset = s.admin(Method::POST, "/reset?vendor=siro", None).await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        s.get("/siro/v1/notes/a", &alice).await.status,
        404,
        "reset forgets stub records"
    );

    assert_eq!(
        s.admin(Method::DELETE, "/scenarios/notes", None)
            .await
            .status,
        200
    );
    assert_eq!(
        s.get("/siro/v1/notes", &alice).await.status,
        404,
        "unloading removes the stubs"
    );
}

#[tokio::test]
async fn broken_templates_are_refused_with_located_problems() {
    let s = TestServer::start().await;
    let doc = "name: broken\nstubs:\n  - id: x.get\n    vendor: devrev\n    method: GET\n    path: /x/{id}\n    body:\n      a: \"{{path.ident}}\"\n      b: \"{{fake.colour}}\"\n      c: \"{{stored}}\"\n      d: \"{{now\"\n";
    let a = crate::support::scenario::upload(&s, doc).await;
    assert_eq!(a.status, 400, "{}", a.text);
    let problems = a.json["problems"].as_array().unwrap();
    let lines: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert_eq!(lines[0].0, 8);
    assert!(lines[0].1.contains("no parameter 'ident'"), "{lines:?}");
    assert_eq!(lines[1].0, 9);
    assert!(lines[1].1.contains("'colour' is not a fake-data kind"));
    assert_eq!(lines[2].0, 10);
    assert!(lines[2].1.contains("only a stub with 'store'"));
    assert_eq!(lines[3].0, 11);
    assert!(lines[3].1.contains("without its '}}'"));
}

#[tokio::test]
async fn builtins_win_the_calls_they_take() {
    let s = TestServer::start().await;
    load(
        &s,
        r#"
name: shadow
stubs:
  - { id: count.stub, vendor: devrev, method: POST, path: /engagements.count, body: { count: -1 } }
  - { id: count.delete, vendor: devrev, method: DELETE, path: /engagements.count, status: 204 }
"#,
    )
    .await;
    let auth = bearer(&fresh_token("shadow"));
    let a = s.post("/devrev/engagements.count", &auth, &json!({})).await;
    assert_eq!(a.json["count"], 0, "the built-in answers: {}", a.text);
    assert_eq!(
        s.delete("/devrev/engagements.count", &auth).await.status,
        204,
        "a method the built-in lacks goes to the stub"
    );
    let put = s.put("/devrev/engagements.count", &auth, &json!({})).await;
    assert!(
        put.text.contains("method PUT is not allowed"),
        "DevRev's answer: {}",
        put.text
    );

    let file = crate::support::scenario::scenario_file(
        "shadow",
        "name: shadow\nstubs:\n  - { id: count.stub, vendor: devrev, method: POST, path: /engagements.count, body: {} }\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["scenario", "check"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("is shadowed: built-in 'engagements.count'"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_405_lists_the_methods_of_builtins_and_stubs_on_the_path() {
    let s = TestServer::start().await;
    load(
        &s,
        "name: purge\nstubs:\n  - { id: query.purge, vendor: salesforce, method: DELETE, path: \"/services/data/{version}/query\", status: 204 }\n",
    )
    .await;
    let auth = bearer(&fresh_token("purge"));
    let path = "/salesforce/services/data/v62.0/query";
    assert_eq!(s.delete(path, &auth).await.status, 204);
    let put = s.put(path, &auth, &json!({})).await;
    assert_eq!(put.status, 405, "{}", put.text);
    assert_eq!(put.header("allow"), Some("GET, DELETE"));
    assert_eq!(put.json[0]["errorCode"], "METHOD_NOT_ALLOWED");
    let bad_version = s.delete("/salesforce/services/data/v1x/query", &auth).await;
    assert_eq!(
        bad_version.status, 404,
        "a stub's {{version}} is checked as Salesforce checks it"
    );
}
