//! A scenario document as written (INTERFACE.md section 5): immutable once parsed. Counters and
//! limiters live beside it in `engine`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_limits: Vec<RateLimit>,
    #[serde(default, skip_serializing_if = "Auth::is_empty")]
    pub auth: Auth,
    /// User stubs: operations the document adds (see `crate::stub`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stubs: Vec<crate::stub::model::Stub>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub vendor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// A tenant fingerprint or raw credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, rename = "match", skip_serializing_if = "Match::is_empty")]
    pub matcher: Match,
    #[serde(default, skip_serializing_if = "When::is_empty")]
    pub when: When,
    /// Whose calls `when` counts: each tenant's own (the default) or every tenant's together.
    #[serde(default, skip_serializing_if = "Scope::is_tenant")]
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<Delay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<crate::fault::Fault>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Match {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub header: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// JSON pointer → the value found there.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body: BTreeMap<String, Value>,
}

impl Match {
    pub fn is_empty(&self) -> bool {
        self.method.is_none()
            && self.header.is_empty()
            && self.query.is_empty()
            && self.body.is_empty()
    }
}

/// Whose calls a rule's counters and probability draws count. Per tenant by default, so parallel
/// suites with their own credentials each see their own "second call".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Tenant,
    Global,
}

impl Scope {
    pub fn is_tenant(&self) -> bool {
        *self == Scope::Tenant
    }
}

/// When a matching call fires the rule; every given condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The Nth matching calls, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<Vec<u64>>,
    /// The first N matching calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Every matching call after the first N.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
    /// Every Nth matching call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    /// Each matching call with this probability, drawn from the scenario's seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

impl When {
    pub fn is_empty(&self) -> bool {
        self == &When::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Delay {
    Fixed(u64),
    Range { min: u64, max: u64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub vendor: String,
    /// Narrows the limit to one operation; all of the vendor's share it otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub requests: u32,
    pub per_seconds: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbidden: Vec<String>,
}

impl Auth {
    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty() && self.forbidden.is_empty()
    }
}
