//! `--tls`: HTTPS on the main port and on `--vendor-listen` ports, with a certificate made at
//! start whose CA is written to a file, or with the user's own certificate.

use engagement_sim::tls::Source;
use serde_json::json;

use crate::support::{fresh_token, TestServer};

fn client_trusting(pem: &[u8]) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem).expect("a PEM certificate"))
        .build()
        .unwrap()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{}-{name}", fresh_token("tls")))
}

#[tokio::test]
async fn generated_certificate_is_trusted_through_the_written_ca_on_every_listener() {
    let ca_out = temp_path("ca.pem");
    let s = TestServer::configured(|c| {
        c.tls = Some(Source::Generated {
            ca_out: ca_out.clone(),
        });
        c.vendor_listen = vec![("salesforce".into(), "127.0.0.1:0".parse().unwrap())];
    })
    .await;
    assert!(
        s.sim.base_url().starts_with("https://"),
        "{}",
        s.sim.base_url()
    );
    let pem = std::fs::read(&ca_out).expect("the CA was written");
    let https = client_trusting(&pem);
    let port = s.sim.addr().port();
    for host in ["localhost", "127.0.0.1"] {
        let health = https
            .get(format!("https://{host}:{port}/__admin/health"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("https://{host}: {e:?}"));
        assert_eq!(health.status(), 200);
    }
    let created = https
        .post(format!("https://localhost:{port}/devrev/engagements.create"))
        .bearer_auth("tls-tenant")
        .json(&json!({"title": "Over TLS", "members": ["DEVU-1"], "scheduled_date": "2026-12-01T15:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let sf = s.sim.vendor_addrs()[0].1;
    let missing = https
        .get(format!(
            "https://localhost:{}/services/data/v63.0/sobjects/EngagementInteraction/0eIxx0000000001AAA",
            sf.port()
        ))
        .bearer_auth("tls-session")
        .send()
        .await
        .unwrap();
    // Salesforce's own not-found envelope: the call reached the vendor over HTTPS.
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("NOT_FOUND"));
    // Plain HTTP is not served on a TLS port.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/__admin/health"))
        .send()
        .await;
    assert!(plain.map_or(true, |r| r.status() != 200));
    // A client that does not trust the CA refuses the certificate.
    let untrusting = reqwest::Client::new()
        .get(format!("https://localhost:{port}/__admin/health"))
        .send()
        .await;
    assert!(untrusting.is_err());
    s.sim.stop().await;
}

#[tokio::test]
async fn own_certificate_and_key_are_served() {
    use rcgen::{CertificateParams, KeyPair};
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (cert_path, key_path) = (temp_path("cert.pem"), temp_path("key.pem"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    let s = TestServer::configured(|c| {
        c.tls = Some(Source::Files {
            cert: cert_path.clone(),
            key: key_path.clone(),
        });
    })
    .await;
    let health = client_trusting(cert.pem().as_bytes())
        .get(format!(
            "https://localhost:{}/__admin/health",
            s.sim.addr().port()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    s.sim.stop().await;
}

#[tokio::test]
async fn a_key_file_that_is_not_a_key_is_refused_at_start() {
    let (cert_path, key_path) = (temp_path("cert.pem"), temp_path("key.pem"));
    std::fs::write(&cert_path, "not a certificate").unwrap();
    std::fs::write(&key_path, "not a key").unwrap();
    let mut config = engagement_sim::Config::ephemeral();
    config.tls = Some(Source::Files {
        cert: cert_path,
        key: key_path,
    });
    let refused = engagement_sim::Simulator::start(config).await.err();
    assert!(
        refused.as_deref().is_some_and(|e| e.contains("--tls-cert")),
        "{refused:?}"
    );
}

/// A scenario's connection reset still reaches the client through the TLS wrapper: the fault
/// works on the socket under it.
#[tokio::test]
async fn connection_faults_work_over_tls() {
    let ca_out = temp_path("fault-ca.pem");
    let s = TestServer::configured(|c| {
        c.tls = Some(Source::Generated {
            ca_out: ca_out.clone(),
        });
    })
    .await;
    let https = client_trusting(&std::fs::read(&ca_out).unwrap());
    let port = s.sim.addr().port();
    let load = https
        .post(format!("https://localhost:{port}/__admin/scenarios"))
        .header("Content-Type", "application/yaml")
        .body("name: tls-reset\nrules:\n  - vendor: devrev\n    operation: engagements.get\n    fault: connection_reset\n")
        .send()
        .await
        .unwrap();
    assert_eq!(load.status(), 201);
    let reset = https
        .get(format!(
            "https://localhost:{port}/devrev/engagements.get?id=ENG-1"
        ))
        .bearer_auth("tls-fault")
        .send()
        .await;
    assert!(reset.is_err(), "{reset:?}");
    let still_up = https
        .get(format!("https://localhost:{port}/__admin/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(still_up.status(), 200);
    s.sim.stop().await;
}
