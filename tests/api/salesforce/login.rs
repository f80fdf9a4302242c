//! Logging in: the SOAP `login` call as jsforce sends it and the OAuth token endpoint (password,
//! client-credentials and refresh-token grants). A username is always the same org, and the
//! session a login issues is that org's credential.

use super::*;
use crate::support::{assert_contract, TestServer};

const TOKEN: &str = "/salesforce/services/oauth2/token";
const SOAP: &str = "/salesforce/services/Soap/u/58.0";

async fn token(s: &TestServer, form: &[(&str, &str)]) -> Answer {
    s.send(s.http.post(s.url(TOKEN)).form(form)).await
}

fn oauth_error(a: &Answer, error: &str) {
    assert_eq!(a.status, 400, "{}", a.text);
    assert_contract("salesforce", "oauth.token.error.response.json", &a.json);
    assert_eq!(a.json["error"], error, "{}", a.text);
}

/// The envelope jsforce 3.x's `conn.login(username, password)` posts.
fn soap_login(username: &str, password: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8" ?><se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body><login xmlns="urn:partner.soap.sforce.com"><username>{username}</username><password>{password}</password></login></se:Body></se:Envelope>"#
    )
}

async fn soap(s: &TestServer, url: &str, body: String) -> Answer {
    s.send(
        s.http
            .post(url)
            .header("Content-Type", "text/xml")
            .header("SOAPAction", "\"\"")
            .body(body),
    )
    .await
}

/// The text of the first `<tag>` in a SOAP answer.
fn tag<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find('<').unwrap() + start;
    &xml[start..end]
}

#[tokio::test]
async fn oauth_password_login_issues_the_orgs_credential_every_time() {
    let s = TestServer::start().await;
    let user = format!("{}@example.com", fresh_token("sf-user"));
    let form = [
        ("grant_type", "password"),
        ("client_id", "3MVG9-app"),
        ("client_secret", "s3cret"),
        ("username", user.as_str()),
        ("password", "pw+token"),
    ];
    let a = token(&s, &form).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "oauth.token.response.json", &a.json);
    assert!(a
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let base = s.sim.vendor_url("salesforce");
    assert_eq!(a.json["instance_url"], base.as_str());
    assert!(a.json["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{base}/id/00D")));
    let access = a.json["access_token"].as_str().unwrap().to_owned();
    let refresh = a.json["refresh_token"].as_str().unwrap().to_owned();

    // The token is the org's credential: a record made with it is seen with the next login's.
    let id = created_id(&create(&s, &format!("Bearer {access}"), &minimal_body()).await);
    let again = token(&s, &form).await;
    assert_eq!(again.json["access_token"], access.as_str());
    let a = s
        .get(&interaction_url("v63.0", &id), &format!("Bearer {access}"))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    // Case does not make another user.
    let upper = user.to_uppercase();
    let mut shouting = form;
    shouting[3] = ("username", upper.as_str());
    assert_eq!(
        token(&s, &shouting).await.json["access_token"],
        access.as_str()
    );

    // The refresh token gives the same org back.
    let a = token(
        &s,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "3MVG9-app"),
            ("refresh_token", refresh.as_str()),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "oauth.token.response.json", &a.json);
    assert_eq!(a.json["access_token"], access.as_str());
    assert!(a.json.get("refresh_token").is_none());

    // Another user is another org.
    let other = [("username", "someone-else@example.com"), ("password", "pw")];
    let mut form2 = form.to_vec();
    form2.splice(3.., other);
    let b = token(&s, &form2).await;
    assert_ne!(b.json["access_token"], access.as_str());
}

#[tokio::test]
async fn oauth_client_credentials_and_refusals() {
    let s = TestServer::start().await;
    let a = token(
        &s,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "3MVG9-integration"),
            ("client_secret", "s"),
        ],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_contract("salesforce", "oauth.token.response.json", &a.json);
    assert_eq!(a.json["scope"], "api");
    let access = a.json["access_token"].as_str().unwrap();
    let a = s
        .get(&format!("{V}/limits"), &format!("Bearer {access}"))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);

    oauth_error(
        &token(
            &s,
            &[
                ("grant_type", "password"),
                ("client_id", "c"),
                ("username", "u"),
            ],
        )
        .await,
        "invalid_grant",
    );
    oauth_error(
        &token(
            &s,
            &[
                ("grant_type", "password"),
                ("username", "u"),
                ("password", "p"),
            ],
        )
        .await,
        "invalid_client_id",
    );
    oauth_error(
        &token(
            &s,
            &[("grant_type", "client_credentials"), ("client_id", "c")],
        )
        .await,
        "invalid_client",
    );
    oauth_error(
        &token(
            &s,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", "c"),
                ("refresh_token", "nope"),
            ],
        )
        .await,
        "invalid_grant",
    );
    oauth_error(
        &token(
            &s,
            &[("grant_type", "authorization_code"), ("client_id", "c")],
        )
        .await,
        "unsupported_grant_type",
    );
    oauth_error(&token(&s, &[]).await, "unsupported_grant_type");
}

#[tokio::test]
async fn soap_login_answers_jsforce_and_its_session_is_the_oauth_orgs() {
    let s = TestServer::start().await;
    let user = format!("{}@example.com", fresh_token("sf-soap"));
    let a = soap(&s, &s.url(SOAP), soap_login(&user, "p&amp;w")).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.header("content-type").unwrap().starts_with("text/xml"));
    let base = s.sim.vendor_url("salesforce");
    let org = tag(&a.text, "organizationId");
    assert_eq!(
        tag(&a.text, "serverUrl"),
        format!("{base}/services/Soap/u/58.0/{org}")
    );
    assert_eq!(tag(&a.text, "passwordExpired"), "false");
    assert_eq!(tag(&a.text, "sessionSecondsValid"), "7200");
    assert_eq!(tag(&a.text, "userName"), user.as_str());
    assert!(tag(&a.text, "userId").starts_with("005"));
    assert!(tag(&a.text, "metadataServerUrl").contains("/services/Soap/m/58.0/"));
    let session = tag(&a.text, "sessionId").to_owned();

    // The same username through OAuth is the same org and the same credential.
    let o = token(
        &s,
        &[
            ("grant_type", "password"),
            ("client_id", "c"),
            ("username", &user),
            ("password", "x"),
        ],
    )
    .await;
    assert_eq!(o.json["access_token"], session.as_str());
    assert!(o.json["id"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/id/{org}/{}", tag(&a.text, "userId"))));
    let id = created_id(&create(&s, &format!("Bearer {session}"), &minimal_body()).await);
    let a = s
        .get(
            &format!("{V}/sobjects/EngagementInteraction/{id}"),
            &format!("Bearer {session}"),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn soap_login_on_the_vendor_port_points_at_its_root() {
    let s = TestServer::configured(|c| {
        c.vendor_listen = vec![("salesforce".into(), "127.0.0.1:0".parse().unwrap())]
    })
    .await;
    let addr = s.sim.vendor_addrs()[0].1;
    let a = soap(
        &s,
        &format!("http://{addr}/services/Soap/u/58.0"),
        soap_login("root@example.com", "p"),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let server = tag(&a.text, "serverUrl");
    assert!(
        server.starts_with(&format!("http://{addr}/services/Soap/u/58.0/00D")),
        "{server}"
    );
    // jsforce keeps scheme://host:port of serverUrl: the REST resources answer there.
    let session = tag(&a.text, "sessionId");
    let a = s
        .send(
            s.http
                .get(format!("http://{addr}/services/data/v58.0/limits"))
                .bearer_auth(session),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn bad_soap_is_a_soap_fault() {
    let s = TestServer::start().await;
    let a = soap(&s, &s.url(SOAP), "not xml".into()).await;
    assert_eq!(a.status, 500, "{}", a.text);
    assert!(a.header("content-type").unwrap().starts_with("text/xml"));
    assert_eq!(tag(&a.text, "faultcode"), "soapenv:Client");
    let a = soap(&s, &s.url(SOAP), soap_login("u@example.com", "")).await;
    assert_eq!(a.status, 500, "{}", a.text);
    assert_eq!(tag(&a.text, "faultcode"), "sf:INVALID_LOGIN");
    assert_eq!(tag(&a.text, "sf:exceptionCode"), "INVALID_LOGIN");
    assert!(tag(&a.text, "faultstring").starts_with("INVALID_LOGIN: "));
    let body = r#"<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body><logout/></se:Body></se:Envelope>"#;
    let a = soap(&s, &s.url(SOAP), body.into()).await;
    assert_eq!(tag(&a.text, "faultcode"), "soapenv:Client");
    // A SOAP version Salesforce never had is a path it does not serve.
    let a = soap(
        &s,
        &s.url("/salesforce/services/Soap/u/999.0"),
        soap_login("u", "p"),
    )
    .await;
    assert_error(&a, 404, "NOT_FOUND");
    // Login takes no Authorization header, and a stray one does not matter.
    let a = s
        .send(
            s.http
                .post(s.url(SOAP))
                .header("Authorization", "Basic Zm9v")
                .body(soap_login("u@example.com", "p")),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

/// Passwords are not checked, so a refused login is rehearsed with a scenario; it renders in the
/// login endpoint's own envelope.
#[tokio::test]
async fn scenarios_refuse_logins_in_their_own_envelopes() {
    let s = crate::support::scenario::server_with(
        "name: refuse-logins\nrules:\n  - vendor: salesforce\n    operation: soap.login\n    respond: {error: INVALID_LOGIN}\n  - vendor: salesforce\n    operation: oauth.token\n    respond: {error: invalid_grant}\n",
    )
    .await;
    let a = soap(&s, &s.url(SOAP), soap_login("u@example.com", "p")).await;
    assert_eq!(a.status, 500, "{}", a.text);
    assert_eq!(tag(&a.text, "sf:exceptionCode"), "INVALID_LOGIN");
    let a = token(
        &s,
        &[
            ("grant_type", "password"),
            ("client_id", "c"),
            ("username", "u"),
            ("password", "p"),
        ],
    )
    .await;
    oauth_error(&a, "invalid_grant");
    assert_eq!(a.json["error_description"], "authentication failure");
}
