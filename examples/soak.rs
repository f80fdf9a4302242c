//! Soak: the release build under steady load for a long while, RSS sampled every 10 s.
//!
//! Starts the simulator binary, measures its maximum rate on Merge create for 5 s, then drives
//! 80 % of it (Merge create and retrieve, DevRev create and get, Siro sync, spread over 10
//! tenants, few enough that each reaches its record limit well inside the first minute, so what
//! follows is steady state) for the given duration on loopback only, printing RSS every 10 s. Exits 1 if RSS at
//! the end is more than 10 % above RSS after the first minute.
//!
//!   cargo build --release && cargo run --release --example soak -- [SECONDS] [BINARY]
//!   (defaults: 600 s, target/release/engagement-sim)

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn merge_body() -> serde_json::Value {
    json!({"model": {"subject": "soak", "content": "steady load", "direction": "OUTBOUND", "engagement_type": "7e1c2d3f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "start_time": "2024-05-15T14:00:00Z"}})
}

async fn one(http: &reqwest::Client, base: &str, n: u64) -> bool {
    let tenant = format!("soak-{}", n % 10);
    let req = match n % 4 {
        0 | 1 => http.post(format!("{base}/merge/api/crm/v1/engagements")).bearer_auth("soak-key").header("X-Account-Token", &tenant).json(&merge_body()),
        2 => http.post(format!("{base}/devrev/engagements.create")).bearer_auth(&tenant).json(&json!({"title": "soak", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"})),
        _ => http.put(format!("{base}/siro/api-externalApi/v1/integrations/sync/engagements")).bearer_auth(&tenant).json(&json!({"externalId": format!("soak-{}", n % 5000), "subject": "soak"})),
    };
    req.send().await.is_ok_and(|r| r.status().is_success())
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let secs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(600);
    let bin = args
        .next()
        .unwrap_or_else(|| "target/release/engagement-sim".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(&bin)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the simulator binary starts");
    let pid = child.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    for _ in 0..500 {
        if http
            .get(format!("{base}/__admin/health"))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // 1. The maximum rate: 50 workers as fast as they go for 5 s.
    let done = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(5);
    let workers: Vec<_> = (0..50)
        .map(|w| {
            let (http, base, done) = (http.clone(), base.clone(), done.clone());
            tokio::spawn(async move {
                let mut n = w;
                while Instant::now() < until {
                    one(&http, &base, n).await;
                    done.fetch_add(1, Ordering::Relaxed);
                    n += 50;
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let max_rate = done.load(Ordering::Relaxed) as f64 / 5.0;
    let rate = (max_rate * 0.8).max(1.0);
    println!("maximum rate {max_rate:.0}/s; soaking at {rate:.0}/s for {secs} s");

    // 2. The soak: requests started at a fixed rate, at most 200 in flight.
    let start = Instant::now();
    let failures = Arc::new(AtomicU64::new(0));
    let in_flight = Arc::new(tokio::sync::Semaphore::new(200));
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        tick.tick().await;
        while start.elapsed() < Duration::from_secs(secs) {
            tick.tick().await;
            let rss = rss_kib(pid);
            println!(
                "t={:>4}s rss={:.1} MiB",
                start.elapsed().as_secs(),
                rss as f64 / 1024.0
            );
            samples.push(rss);
        }
        samples
    });
    let interval = Duration::from_secs_f64(1.0 / rate);
    let mut next = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(secs) {
        next += interval;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let permit = in_flight.clone().acquire_owned().await.unwrap();
        let (http, base, failures) = (http.clone(), base.clone(), failures.clone());
        tokio::spawn(async move {
            if !one(&http, &base, n).await {
                failures.fetch_add(1, Ordering::Relaxed);
            }
            drop(permit);
        });
        n += 1;
    }
    // Let every request still in flight finish before the server goes, so none is miscounted.
    let _all_done = in_flight.acquire_many(200).await.unwrap();
    let samples = sampler.await.unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let baseline = samples
        .get(5)
        .or(samples.first())
        .copied()
        .unwrap_or(0)
        .max(1);
    let last = samples.last().copied().unwrap_or(0);
    let growth = last as f64 / baseline as f64 - 1.0;
    println!("requests {n}, failed {}; RSS after the first minute {:.1} MiB, at the end {:.1} MiB ({:+.1} %)", failures.load(Ordering::Relaxed), baseline as f64 / 1024.0, last as f64 / 1024.0, growth * 100.0);
    if growth > 0.10 {
        println!("RSS grew more than 10 %");
        std::process::exit(1);
    }
}
