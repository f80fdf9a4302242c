//! The scenario engine: scripted answers, faults, delays, rate limits and credential rules that a
//! user loads to rehearse failures. The pipeline asks it once per call for a [`Decision`].
//! `model` is the document as written, `parse` reads and checks it (`shape` its structure, `check`
//! its meaning), `engine` runs it. Loading files into a running simulator (and `--watch`) is
//! `crate::scenario_files`.

mod check;
mod engine;
pub mod model;
pub mod parse;
mod respond;
mod shape;
mod source;

pub use crate::fault::Fault;
pub use engine::{Engine, LoadError};

use std::time::Duration;

use axum::http::{HeaderMap, Method};
use serde_json::Value;

use crate::tenant::Tenant;
use crate::vendor::{ApiError, Problem, Reply};

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
    /// Answer with this error, in the vendor's envelope.
    Error(ApiError),
    /// Answer exactly this.
    Raw(Reply),
    /// A credential or rate-limit rule refuses the call.
    Refuse(Problem),
    Fault(Fault),
}
