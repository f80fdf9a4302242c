//! The dashboard's server side: the journal's live stream (server-sent events) and how the page
//! and its files sit behind the admin token.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{bearer, fresh_token, TestServer};

/// Reads server-sent events off one open response.
struct Events {
    res: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(s: &TestServer, query: &str) -> Events {
        let res = s
            .http
            .get(s.url(&format!("/__admin/requests/stream{query}")))
            .send()
            .await
            .expect("the stream answers");
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Events {
            res,
            buffer: String::new(),
        }
    }

    /// The next `entry` event's JSON, or None when the stream ends. Guarded so a missing event
    /// fails the test instead of hanging it.
    async fn next_entry(&mut self) -> Option<Value> {
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                while let Some(cut) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..cut + 2).collect();
                    if block.lines().any(|l| l == "event: entry") {
                        let data: String = block
                            .lines()
                            .filter_map(|l| l.strip_prefix("data: "))
                            .collect();
                        return Some(serde_json::from_str(&data).expect("entry data is JSON"));
                    }
                }
                match self.res.chunk().await.expect("the stream reads") {
                    Some(bytes) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                    None => return None,
                }
            }
        })
        .await
        .expect("an event or the end of the stream arrives")
    }
}

async fn devrev_create(s: &TestServer, token: &str, title: &str) {
    let a = s
        .request(
            Method::POST,
            "/devrev/engagements.create",
            &[("Authorization", &bearer(token))],
            Some(&json!({"title": title, "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
}

#[tokio::test]
async fn the_stream_sends_held_entries_then_each_new_call_as_it_is_recorded() {
    let s = TestServer::start().await;
    let token = fresh_token("stream");
    devrev_create(&s, &token, "before").await;
    let mut events = Events::open(&s, "").await;
    let held = events.next_entry().await.expect("the held entry");
    assert_eq!(held["request"]["body"]["title"], "before");

    devrev_create(&s, &token, "after").await;
    let live = events.next_entry().await.expect("the new entry");
    assert_eq!(live["operation"], "engagements.create");
    assert_eq!(live["request"]["body"]["title"], "after");
    assert_eq!(live["status"], 201);
    assert_eq!(live["response"]["body"]["engagement"]["title"], "after");
    assert!(live["seq"].as_u64() > held["seq"].as_u64());
}

#[tokio::test]
async fn the_stream_applies_the_journal_filters() {
    let s = TestServer::start().await;
    let token = fresh_token("stream-filter");
    let mut events = Events::open(&s, "?vendor=siro").await;
    devrev_create(&s, &token, "not for this stream").await;
    let a = s
        .get(
            "/siro/api-externalApi/v1/integrations/engagements?externalId=none",
            &bearer(&token),
        )
        .await;
    assert!(a.status < 500, "{}", a.text);
    let first = events.next_entry().await.expect("the siro entry");
    assert_eq!(first["vendor"], "siro");

    let bad = s.admin_get("/requests/stream?colour=red").await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn open_streams_end_when_the_server_stops() {
    let s = TestServer::start().await;
    let mut events = Events::open(&s, "").await;
    let TestServer { sim, .. } = s;
    // Without the close signal the drain would wait for the stream, and this would time out.
    let stopping = tokio::spawn(sim.stop());
    assert!(events.next_entry().await.is_none());
    stopping.await.unwrap();
}

#[tokio::test]
async fn the_page_takes_the_admin_token_and_its_files_need_none() {
    let s = TestServer::configured(|c| c.admin_token = Some("ui-s3cret".into())).await;
    let get = |path: &str| s.http.get(s.url(path)).send();

    let refused = get("/__admin/ui").await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.text().await.unwrap().contains("name=\"token\""));
    assert_eq!(get("/__admin/ui?token=wrong").await.unwrap().status(), 401);

    let page = get("/__admin/ui?token=ui-s3cret").await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.text().await.unwrap().contains("/__admin/ui/app.js"));

    let by_header = s
        .http
        .get(s.url("/__admin/ui"))
        .header("Authorization", bearer("ui-s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);

    for file in ["/__admin/ui/app.js", "/__admin/ui/app.css"] {
        assert_eq!(get(file).await.unwrap().status(), 200, "{file}");
    }
    // Only the page reads the query: data routes still want the header.
    for path in [
        "/__admin/requests?token=ui-s3cret",
        "/__admin/requests/stream?token=ui-s3cret",
    ] {
        assert_eq!(get(path).await.unwrap().status(), 401, "{path}");
    }
}
