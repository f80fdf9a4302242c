//! `serve --proxy VENDOR=URL --record DIR`: calls the simulator does not serve reach the upstream
//! with the caller's credentials, come back as the upstream answered, are journaled as `proxy`,
//! and are written as stubs that answer the same offline with `--stubs DIR`.

use serde_json::{json, Value};

use super::{serve, serve_env};
use crate::support::scenario::{scenario_file, server_with};
use crate::support::{bearer, fresh_token, Answer, TestServer};

/// Upstream-only DevRev calls: the simulator has no `widgets.*` operations.
const UPSTREAM: &str = r#"
name: upstream-widgets
stubs:
  - id: widgets.get
    vendor: devrev
    method: POST
    path: /widgets.get
    headers:
      X-Widget-Version: "7"
    body:
      widget: {id: "{{body/id}}", name: gear, teeth: 12, tags: [a, b]}
  - id: widgets.list
    vendor: devrev
    method: GET
    path: /widgets.list
    status: 206
    body: {widgets: [], next_cursor: null}
  - id: widgets.whoami
    vendor: devrev
    method: GET
    path: /widgets.whoami
    body:
      caller: "{{header.authorization}}"
      session_token: abc
      dev_user: "don:identity:dvrv-us-1:devo/7xQb2:devu/1"
      org: 00D5g000004XyZaEAK
"#;

async fn calls(base: &str, token: &str) -> Vec<(u16, Option<String>, Value)> {
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for req in [
        http.post(format!("{base}/devrev/widgets.get"))
            .json(&json!({"id": "W-1"})),
        http.get(format!("{base}/devrev/widgets.list")),
    ] {
        let res = req
            .header("Authorization", bearer(token))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let version = res
            .headers()
            .get("x-widget-version")
            .map(|v| v.to_str().unwrap().to_owned());
        let body: Value = res.json().await.unwrap();
        out.push((status, version, body));
    }
    out
}

#[tokio::test]
async fn a_recorded_session_replays_with_the_upstream_stopped() {
    let upstream = server_with(UPSTREAM).await;
    let dir = std::env::temp_dir().join(fresh_token("esim-record"));
    let proxy = serve(&[
        "--proxy",
        &format!("devrev={}", upstream.url("/devrev")),
        "--record",
        dir.to_str().unwrap(),
    ])
    .await;
    let token = fresh_token("rec");
    let online = calls(&proxy.base, &token).await;
    assert_eq!(
        online,
        vec![
            (
                200,
                Some("7".to_owned()),
                json!({"widget": {"id": "W-1", "name": "gear", "teeth": 12, "tags": ["a", "b"]}})
            ),
            (206, None, json!({"widgets": [], "next_cursor": null})),
        ]
    );
    // The upstream saw the caller's own credential: its tenant is the one the token names.
    let whoami = reqwest::Client::new()
        .get(format!("{}/devrev/widgets.whoami", proxy.base))
        .header("Authorization", bearer(&token))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(whoami["caller"], json!(bearer(&token)));

    let journal = reqwest::get(format!("{}/__admin/requests", proxy.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(journal.contains(r#""operation":"proxy""#), "{journal}");

    upstream.sim.stop().await;
    let gone = reqwest::Client::new()
        .get(format!("{}/devrev/widgets.list", proxy.base))
        .header("Authorization", bearer(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status().as_u16(), 503);
    let body: Value = gone.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{body}"
    );
    drop(proxy);

    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "devrev-get_widgets.list.yaml",
            "devrev-get_widgets.whoami.yaml",
            "devrev-post_widgets.get.yaml"
        ]
    );
    let whoami_file = std::fs::read_to_string(dir.join("devrev-get_widgets.whoami.yaml")).unwrap();
    assert!(!whoami_file.contains(&token), "{whoami_file}");
    assert!(
        whoami_file.contains("session_token: '****'"),
        "{whoami_file}"
    );

    let offline = TestServer::configured(|c| c.stubs = vec![dir.clone()]).await;
    assert_eq!(
        calls(&offline.sim.base_url(), &fresh_token("replay")).await,
        online
    );
}

#[tokio::test]
async fn built_ins_stay_local_unless_proxy_all() {
    let upstream = TestServer::start().await;
    let to = format!("devrev={}", upstream.url("/devrev"));
    let token = fresh_token("local");
    let count = |s: &TestServer| {
        let url = s.url("/__admin/requests");
        async move {
            let text = reqwest::get(url).await.unwrap().text().await.unwrap();
            text.matches(r#""operation":"engagements.list""#).count()
        }
    };
    let local = serve(&["--proxy", &to]).await;
    let list = |base: String| {
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{base}/devrev/engagements.list"))
                .header("Authorization", bearer(&token))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(list(local.base.clone()).await, 200);
    assert_eq!(count(&upstream).await, 0, "a built-in is served locally");
    let all = serve(&["--proxy", &to, "--proxy-all"]).await;
    assert_eq!(list(all.base.clone()).await, 200);
    assert_eq!(count(&upstream).await, 1, "--proxy-all forwards built-ins");
}

#[tokio::test]
async fn an_upstream_past_the_timeout_is_the_vendors_unavailable() {
    // Accepts connections (the backlog) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("devrev=http://{}", silent.local_addr().unwrap());
    let proxy = serve(&["--proxy", &url, "--proxy-timeout", "0.2"]).await;
    let a: Answer = TestServer::start()
        .await
        .send(
            reqwest::Client::new()
                .get(format!("{}/devrev/widgets.list", proxy.base))
                .header("Authorization", bearer(&fresh_token("slow"))),
        )
        .await;
    assert_eq!(a.status, 503, "{}", a.text);
    assert!(
        a.text.contains("did not answer within 200 ms"),
        "{}",
        a.text
    );
    drop(silent);
}

#[test]
fn a_proxy_naming_no_vendor_is_refused() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["serve", "--proxy", "acme=http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("'acme' is not a simulated vendor"));
}

#[tokio::test]
async fn an_https_upstream_is_trusted_through_the_system_bundle_or_ssl_cert_file() {
    let ca = std::env::temp_dir().join(format!("{}-ca.pem", fresh_token("proxy-tls")));
    let upstream = TestServer::configured(|c| {
        c.tls = Some(engagement_sim::tls::Source::Generated { ca_out: ca.clone() });
        c.scenarios = vec![scenario_file("upstream-widgets", UPSTREAM)];
    })
    .await;
    let https = format!(
        "devrev=https://localhost:{}/devrev",
        upstream.sim.addr().port()
    );
    let proxy = serve_env(&["--proxy", &https], &[("SSL_CERT_FILE", ca.as_path())]).await;
    let online = calls(&proxy.base, &fresh_token("tls")).await;
    assert_eq!(
        online[1],
        (206, None, json!({"widgets": [], "next_cursor": null}))
    );
}

#[tokio::test]
async fn the_vendor_is_asked_for_plain_bytes_and_hop_by_hop_headers_stay_behind() {
    let upstream = server_with(UPSTREAM).await;
    let proxy = serve(&["--proxy", &format!("devrev={}", upstream.url("/devrev"))]).await;
    let res = reqwest::Client::new()
        .get(format!("{}/devrev/widgets.list", proxy.base))
        .header("Authorization", bearer(&fresh_token("enc")))
        .header("Accept-Encoding", "gzip")
        .header("Connection", "keep-alive, x-hop")
        .header("X-Hop", "private")
        .header("X-Kept", "passed-on")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 206);
    let seen = reqwest::get(upstream.url("/__admin/requests"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .to_ascii_lowercase();
    assert!(seen.contains("passed-on"), "{seen}");
    assert!(
        !seen.contains("gzip") && !seen.contains("private"),
        "{seen}"
    );
}
