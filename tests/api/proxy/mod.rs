//! Forwarding to a real vendor (`--proxy`, `--proxy-all`, `--record`) and contract drift
//! (`engagement-sim drift`), each against an upstream the test starts, since no test reaches a
//! vendor.

mod drift;
mod record;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The real binary serving on a free port; killed when dropped.
pub struct Served {
    child: Child,
    pub base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `engagement-sim serve` with `args` and waits until it answers.
pub async fn serve(args: &[&str]) -> Served {
    serve_env(args, &[]).await
}

/// As [`serve`], with these environment variables set.
pub async fn serve_env(args: &[&str], env: &[(&str, &std::path::Path)]) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_engagement-sim"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    for _ in 0..500 {
        if http
            .get(format!("{}/__admin/health", served.base))
            .send()
            .await
            .is_ok()
        {
            return served;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("engagement-sim serve {args:?} did not start");
}
