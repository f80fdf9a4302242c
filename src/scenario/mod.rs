//! The scenario engine: scripted answers, faults, delays, rate limits and credential rules that a
//! user loads to rehearse failures. The pipeline asks it once per call for a [`Decision`].
//! `model` is the document as written, `parse` reads and checks it, `engine` runs it, `watch`
//! reloads files that change.

mod check;
mod engine;
pub mod model;
pub mod parse;
pub mod watch;

pub use engine::Engine;

use std::time::Duration;

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::tenant::Tenant;
use crate::vendor::Problem;

/// What the pipeline knows about a call when it asks the engine.
pub struct Probe<'a> {
    pub vendor: &'static str,
    pub operation: &'static str,
    pub tenant: &'a Tenant,
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    pub query: &'a [(String, String)],
    pub body: Option<&'a Value>,
}

/// A connection-level failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    ConnectionReset,
    EmptyResponse,
    MalformedBody,
    Timeout,
    SlowBody,
}

/// What a scenario decided for one call.
#[derive(Debug, Default)]
pub struct Decision {
    /// `scenario#rule` of the rule that fired.
    pub rule: Option<String>,
    pub delay: Option<Duration>,
    pub action: Action,
}

#[derive(Debug, Default)]
pub enum Action {
    /// Handle the call normally.
    #[default]
    Continue,
    /// Answer with the vendor's error of this kind and these fields.
    Error {
        kind: String,
        fields: Map<String, Value>,
    },
    /// Answer exactly this.
    Raw {
        status: u16,
        headers: Vec<(String, String)>,
        body: Option<Value>,
    },
    /// A credential or rate-limit rule refuses the call.
    Refuse(Problem),
    Fault(Fault),
}
