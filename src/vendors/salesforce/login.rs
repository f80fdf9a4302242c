//! Logging in: the SOAP partner API's `login` call (`POST /services/Soap/u/{api}`, what jsforce's
//! `conn.login` and simple-salesforce send) and the OAuth 2.0 token endpoint
//! (`POST /services/oauth2/token`: password, client-credentials and refresh-token grants).
//!
//! A login names an org by its username (the client id for client credentials): the session id it
//! hands out is a function of that name alone, and that session id is the org's credential
//! everywhere else. So the same username is the same org on every login, across restarts and
//! seeds, and the records created with its token are the ones read back with the next token.
//! Passwords are not checked (there are no users to check them against); a login without a
//! username or password is refused as Salesforce refuses a wrong one. The answers point back at
//! the simulator as the client reached it (`Host` header and the vendor prefix).

use axum::http::{header, StatusCode};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::errors;
use super::ids;
use super::reply::{json_reply, NEWEST_VERSION, SOAP_XML};
use super::state::Records;
use super::xml;
use crate::tenant::Tenant;
use crate::vendor::{ApiError, Call, Reply};

/// How long a session lasts, as the SOAP answer's `sessionSecondsValid` (Salesforce's default
/// session timeout of two hours).
const SESSION_SECONDS: u64 = 7200;

/// The org a login names: `key` is 24 hex digits of SHA-256 over the login name.
struct Org {
    key: String,
}

impl Org {
    fn named(name: &str) -> Org {
        let digest = Sha256::digest(format!("salesforce-login\0{}", name.to_lowercase()));
        Org {
            key: hex(&digest[..12]),
        }
    }

    /// The org a refresh token this module issued names.
    fn of_refresh_token(token: &str) -> Option<Org> {
        let key = token.strip_prefix(REFRESH_PREFIX)?;
        (key.len() == 24 && key.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Org { key: key.into() })
    }

    /// `00D…`, the organization id (15 characters), derived from the key.
    fn id15(&self) -> String {
        let digest = Sha256::digest(self.key.as_bytes());
        let n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        format!("00D{}", crate::store::base62::base62(n, 12))
    }

    /// The session id / access token: Salesforce's `<org id>!<secret>` shape.
    fn session(&self) -> String {
        format!("{}!AQ{}", self.id15(), self.key)
    }

    fn refresh_token(&self) -> String {
        format!("{REFRESH_PREFIX}{}", self.key)
    }
}

const REFRESH_PREFIX: &str = "5Aep861";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `scheme://host[:port]` plus the vendor prefix the call came through (`/salesforce`, or nothing
/// on a `--vendor-listen` port): where the client reaches this simulator's Salesforce.
fn instance_url(call: &Call<'_>) -> String {
    let host = call
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = call
        .headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    let mount = call.path.find("/services/").map_or("", |i| &call.path[..i]);
    format!("{scheme}://{host}{mount}")
}

/// The org's user: the owner its records carry (seeded from the session id).
fn user_id(records: &Records, session: &str) -> String {
    records.reading(&Tenant::new(session), |data| ids::to18(&data.owner))
}

/// Reads a form-encoded token request into a JSON object (last value of a repeated name wins).
pub fn form(body: &[u8]) -> Value {
    let map: Map<String, Value> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Value::Object(map)
}

/// HMAC-SHA256 (RFC 2104) over `message` with `key`: the signature Salesforce puts on tokens.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn text<'v>(body: &'v Value, name: &str) -> Option<&'v str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// `POST /services/oauth2/token`.
pub fn token(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let body = call.body;
    let grant = text(body, "grant_type").unwrap_or_default();
    let client_id = text(body, "client_id");
    let (org, refresh) = match grant {
        "password" => {
            client_id.ok_or_else(|| ApiError::new(&errors::OAUTH_INVALID_CLIENT_ID, ""))?;
            let user = text(body, "username");
            match (user, text(body, "password")) {
                (Some(user), Some(_)) => (Org::named(user), true),
                _ => return Err(ApiError::new(&errors::OAUTH_INVALID_GRANT, "")),
            }
        }
        "client_credentials" => {
            let id =
                client_id.ok_or_else(|| ApiError::new(&errors::OAUTH_INVALID_CLIENT_ID, ""))?;
            text(body, "client_secret")
                .ok_or_else(|| ApiError::new(&errors::OAUTH_INVALID_CLIENT, ""))?;
            (Org::named(id), false)
        }
        "refresh_token" => {
            client_id.ok_or_else(|| ApiError::new(&errors::OAUTH_INVALID_CLIENT_ID, ""))?;
            let org = text(body, "refresh_token")
                .and_then(Org::of_refresh_token)
                .ok_or_else(|| {
                    ApiError::new(&errors::OAUTH_INVALID_GRANT, "expired access/refresh token")
                })?;
            (org, false)
        }
        "" => {
            return Err(ApiError::new(
                &errors::OAUTH_UNSUPPORTED_GRANT_TYPE,
                "grant type not supported",
            ))
        }
        _ => return Err(ApiError::new(&errors::OAUTH_UNSUPPORTED_GRANT_TYPE, "")),
    };
    let session = org.session();
    let base = instance_url(call);
    let id = format!(
        "{base}/id/{}/{}",
        ids::to18(&org.id15()),
        user_id(records, &session)
    );
    let issued_at = call.now.timestamp_millis().to_string();
    let secret = text(body, "client_secret").unwrap_or_default();
    let signature = base64::engine::general_purpose::STANDARD.encode(hmac_sha256(
        secret.as_bytes(),
        format!("{id}{issued_at}").as_bytes(),
    ));
    let mut out = json!({
        "access_token": session,
        "instance_url": base,
        "id": id,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": signature,
    });
    if grant != "password" {
        out["scope"] = json!("api");
    }
    if refresh {
        out["refresh_token"] = json!(org.refresh_token());
    }
    // The token endpoint answers plain `application/json` (nforce parses only that).
    Ok(Reply::json(StatusCode::OK, &out))
}

/// `POST /services/Soap/u/{api}`: the partner API's `login(username, password)`.
pub fn soap_login(records: &Records, call: &Call<'_>) -> Result<Reply, ApiError> {
    let raw = call.body.as_str().unwrap_or_default();
    let root = xml::parse(raw.as_bytes()).map_err(|e| {
        ApiError::new(
            &errors::SOAP_CLIENT,
            format!("{} at line {} column {}", e.detail, e.line, e.column),
        )
    })?;
    let login = xml::find(&root, "Body")
        .and_then(|b| xml::find(b, "login"))
        .ok_or_else(|| {
            ApiError::new(
                &errors::SOAP_CLIENT,
                "No operation available for request: the Body holds no login element",
            )
        })?;
    let field = |name: &str| {
        xml::find(login, name)
            .map(|e| e.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let (Some(username), Some(_)) = (field("username"), field("password")) else {
        return Err(ApiError::new(&errors::INVALID_LOGIN, ""));
    };
    let api = call.param("api").unwrap_or("58.0");
    let org = Org::named(&username);
    let session = org.session();
    let org18 = ids::to18(&org.id15());
    let user = user_id(records, &session);
    let base = instance_url(call);
    let e = |s: &str| xml::escape(s);
    let body = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns=\"urn:partner.soap.sforce.com\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
            "<soapenv:Body><loginResponse><result>",
            "<metadataServerUrl>{base}/services/Soap/m/{api}/{org}</metadataServerUrl>",
            "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>",
            "<serverUrl>{base}/services/Soap/u/{api}/{org}</serverUrl>",
            "<sessionId>{session}</sessionId><userId>{user}</userId>",
            "<userInfo><accessibilityMode>false</accessibilityMode><chatterExternal>false</chatterExternal>",
            "<currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit>",
            "<orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode><orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale>",
            "<orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments><orgHasPersonAccounts>false</orgHasPersonAccounts>",
            "<organizationId>{org}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency>",
            "<organizationName>engagement-sim</organizationName>",
            "<profileId>00e000000000000AAA</profileId><roleId xsi:nil=\"true\"/>",
            "<sessionSecondsValid>{seconds}</sessionSecondsValid>",
            "<userDefaultCurrencyIsoCode xsi:nil=\"true\"/><userEmail>{username}</userEmail>",
            "<userFullName>{username}</userFullName><userId>{user}</userId><userLanguage>en_US</userLanguage>",
            "<userLocale>en_US</userLocale><userName>{username}</userName><userTimeZone>America/Los_Angeles</userTimeZone>",
            "<userType>Standard</userType><userUiSkin>Theme3</userUiSkin></userInfo>",
            "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
        ),
        base = e(&base),
        api = e(api),
        org = org18,
        session = e(&session),
        user = user,
        seconds = SESSION_SECONDS,
        username = e(&username),
    );
    let mut reply = Reply::empty(StatusCode::OK);
    reply.body = body.into();
    reply.set_header(header::CONTENT_TYPE, SOAP_XML);
    Ok(reply)
}

/// The SOAP API versions `login` answers on: `NN.0` from 8.0 (the oldest jsforce-era clients
/// still send 20-something) to the newest release.
pub fn soap_version_ok(text: &str) -> bool {
    text.strip_suffix(".0")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (8..=NEWEST_VERSION).contains(&n))
}

/// `GET /services/data/`: every API version this simulator serves, oldest first.
pub fn versions(_records: &Records, _call: &Call<'_>) -> Result<Reply, ApiError> {
    let list: Vec<Value> = (super::reply::OLDEST_VERSION..=NEWEST_VERSION)
        .map(|n| {
            json!({
                "label": release_label(n),
                "url": format!("/services/data/v{n}.0"),
                "version": format!("{n}.0"),
            })
        })
        .collect();
    Ok(json_reply(StatusCode::OK, &list))
}

/// The release that introduced API version `n`: three a year, Spring, Summer and Winter (Winter
/// named after the next year); v55.0 was Summer '22.
fn release_label(n: u32) -> String {
    let step = n.saturating_sub(55);
    let season = ["Summer", "Winter", "Spring"][(step % 3) as usize];
    let year = 22 + step.div_ceil(3);
    format!("{season} '{year:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_labels_follow_the_cadence() {
        assert_eq!(release_label(55), "Summer '22");
        assert_eq!(release_label(56), "Winter '23");
        assert_eq!(release_label(57), "Spring '23");
        assert_eq!(release_label(61), "Summer '24");
        assert_eq!(release_label(66), "Spring '26");
    }

    /// RFC 4231 test case 2.
    #[test]
    fn hmac_matches_the_rfc_vector() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_login_name_is_always_the_same_org_and_its_refresh_token_names_it() {
        let a = Org::named("Ada@example.com");
        assert_eq!(a.session(), Org::named("ada@example.com").session());
        assert_ne!(a.session(), Org::named("bob@example.com").session());
        let again = Org::of_refresh_token(&a.refresh_token()).unwrap();
        assert_eq!(again.session(), a.session());
        assert!(a.session().starts_with("00D"));
        assert!(Org::of_refresh_token("5Aep861nothex").is_none());
    }
}
