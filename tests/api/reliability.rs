//! Reliability of the shared core: races on one record, resets under load, slow and idle
//! connections, and the admin token. Vendor-specific races live with each vendor's tests.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::support::{bearer, fresh_token, TestServer};

#[tokio::test]
async fn fifty_racing_updates_leave_one_of_the_writes() {
    let s = TestServer::start().await;
    let auth = bearer(&fresh_token("race"));
    let a = s.post("/devrev/engagements.create", &auth, &json!({"title": "t0", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})).await;
    let id = a.json["engagement"]["id"].clone();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let req = s.http.post(s.url("/devrev/engagements.update")).header("Authorization", &auth).json(&json!({
            "id": id, "title": format!("t{i}"), "description": format!("d{i}"), "members": {"set": [format!("DEVU-{i}")]}
        }));
        tasks.push(tokio::spawn(async move {
            req.send().await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let got = s
        .post("/devrev/engagements.get", &auth, &json!({"id": id}))
        .await
        .json["engagement"]
        .clone();
    let i: u32 = got["title"].as_str().unwrap()[1..].parse().unwrap();
    assert_eq!(
        got["description"],
        format!("d{i}"),
        "no torn write: every field from the same update"
    );
    assert_eq!(
        got["members"],
        json!([format!("don:identity:dvrv-us-1:devo/0:devu/{i}")])
    );
}

#[tokio::test]
async fn reset_in_the_middle_of_load_never_panics_or_half_resets() {
    let s = TestServer::start().await;
    let tokens: Vec<String> = (0..4).map(|_| bearer(&fresh_token("reset-load"))).collect();
    let mut writers = Vec::new();
    for t in &tokens {
        for _ in 0..4 {
            let (http, url, t) = (
                s.http.clone(),
                s.url("/devrev/engagements.create"),
                t.clone(),
            );
            writers.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..40 {
                    let r = http.post(&url).header("Authorization", &t).json(&json!({"title": "x", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})).send().await.unwrap();
                    statuses.push(r.status().as_u16());
                }
                statuses
            }));
        }
    }
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(s.admin(Method::POST, "/reset", None).await.status, 200);
    }
    for w in writers {
        assert!(w.await.unwrap().iter().all(|&st| st == 201));
    }
    // Every tenant is whole: its engagements are numbered 1..=count with no gap.
    for t in &tokens {
        let list = s
            .post("/devrev/engagements.list", t, &json!({"limit": 100}))
            .await;
        let ids: Vec<u64> = list.json["engagements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["display_id"].as_str().unwrap()[4..].parse().unwrap())
            .collect();
        let count = s
            .post("/devrev/engagements.count", t, &json!({}))
            .await
            .json["count"]
            .as_u64()
            .unwrap();
        assert_eq!(ids.len() as u64, count.min(100));
        assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    }
}

#[tokio::test]
async fn five_hundred_slow_or_idle_connections_do_not_starve_a_normal_client() {
    let s = TestServer::start().await;
    let mut idle = Vec::new();
    for i in 0..500 {
        let mut c = tokio::net::TcpStream::connect(s.sim.addr()).await.unwrap();
        if i % 2 == 0 {
            // Slow loris: half a request line, then nothing.
            c.write_all(b"POST /devrev/engagements.create HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap();
        }
        idle.push(c);
    }
    let a = s
        .post("/devrev/engagements.count", "Bearer busy", &json!({}))
        .await;
    assert_eq!((a.status, &a.json), (200, &json!({"count": 0})));
    drop(idle);
}

#[tokio::test]
async fn odd_headers_and_methods_get_vendor_envelopes() {
    let s = TestServer::start().await;
    let url = s.url("/devrev/engagements.create");
    let huge = "x".repeat(8000);
    let cases: Vec<reqwest::RequestBuilder> = vec![
        s.http
            .post(&url)
            .header("Authorization", "Bearer a")
            .header("Authorization", "Bearer b")
            .json(&json!({})),
        s.http
            .post(&url)
            .header("Authorization", bearer(&huge))
            .json(&json!({})),
        s.http
            .post(&url)
            .header("Authorization", "Bearer a")
            .header("Content-Type", "application/json; charset=utf-16")
            .body("{}"),
        s.http
            .request(Method::PATCH, &url)
            .header("Authorization", "Bearer a"),
        s.http
            .request(Method::OPTIONS, s.url("/devrev"))
            .header("Authorization", "Bearer a"),
        s.http
            .post(s.url("/devrev/"))
            .header("Authorization", "Bearer a"),
    ];
    for req in cases {
        let a = s.send(req).await;
        assert!(a.status < 500, "{}: {}", a.status, a.text);
        let body: Value = serde_json::from_str(&a.text).expect("a JSON envelope");
        assert!(body["type"].is_string(), "{}", a.text);
    }
}
