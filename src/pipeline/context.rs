//! The one value a call carries down the path: the request as it arrived, and what each step has
//! found so far. The journal reads it whatever the exit.

use std::time::Instant;

use axum::http::{HeaderMap, Method};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::fault::Fault;
use crate::state::AppState;
use crate::tenant::Tenant;
use crate::vendor::{Operation, Problem, Reply, Vendor};

/// One call on its way down the path.
pub struct Context<'a> {
    pub state: &'a AppState,
    /// The journal's sequence number, taken when the call arrived.
    pub seq: u64,
    pub started: Instant,
    /// The simulator's clock when the call arrived: every step and the handler see this instant.
    pub now: DateTime<Utc>,
    pub method: &'a Method,
    pub path: &'a str,
    pub query_text: Option<&'a str>,
    pub headers: &'a HeaderMap,
    /// The request body as read (empty if it could not be).
    pub body: Bytes,
    /// Why the body could not be read; reported at validation, after credentials and scenarios.
    pub read_problem: Option<Problem>,
    /// Filled in by the steps.
    pub found: Found<'a>,
}

/// What the steps have found out about a call.
#[derive(Default)]
pub struct Found<'a> {
    pub vendor: Option<&'a dyn Vendor>,
    pub operation: Option<&'static Operation>,
    pub tenant: Option<Tenant>,
    /// `scenario#rule` of the rule that fired.
    pub rule: Option<String>,
}

/// The call's vendor and operation, once routing has found them.
pub struct Target<'a> {
    pub vendor: &'a dyn Vendor,
    pub operation: &'static Operation,
    /// The operation's position in the vendor's table.
    pub index: usize,
    pub params: Vec<(String, String)>,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The user stub that answers the call, or that answers where the built-in finds nothing.
    pub stub: Option<StubTarget>,
}

/// Where routing sends a call: down the simulator's own path, or to the vendor (`--proxy`).
pub enum Routing<'a> {
    Serve(Target<'a>),
    Forward(Forward<'a>),
}

/// A call forwarded to the real vendor.
pub struct Forward<'a> {
    pub vendor: &'a dyn Vendor,
    /// The upstream's base URL.
    pub base: &'a str,
    /// The path below the vendor prefix.
    pub rest: &'a str,
}

/// A user stub a call was routed to.
pub struct StubTarget {
    pub stub: std::sync::Arc<crate::stub::Compiled>,
    /// The stub's own path parameters.
    pub params: Vec<(String, String)>,
    /// `true`: a built-in takes the call, and the stub answers only if it answers not-found.
    pub fallback: bool,
}

impl Target<'_> {
    /// The stub that answers the call outright, if one does.
    pub fn sole_stub(&self) -> Option<&StubTarget> {
        self.stub.as_ref().filter(|s| !s.fallback)
    }
}

/// The call's input as the scenario step and the handler read it.
pub struct Input {
    /// `None`: the operation takes no body. Otherwise the body read as JSON, or why it could not be.
    pub parsed: Option<Result<Value, Problem>>,
    /// Whether the vendor read the body itself (Salesforce's XML), so no JSON content type is due.
    pub native: bool,
}

/// How a call leaves the path early, or at its end. The answer is boxed: it is large, and most
/// calls leave through `Ok` instead.
pub enum Exit {
    Reply(Box<Reply>),
    /// A scenario's connection or body fault, with the answer it spoils.
    Fault(Fault, Box<Reply>),
}

impl Exit {
    pub fn reply(reply: Reply) -> Exit {
        Exit::Reply(Box::new(reply))
    }
}

impl<'a> Context<'a> {
    pub fn new(
        state: &'a AppState,
        method: &'a Method,
        path: &'a str,
        query_text: Option<&'a str>,
        headers: &'a HeaderMap,
    ) -> Context<'a> {
        Context {
            state,
            seq: state.journal.next_seq(),
            started: Instant::now(),
            now: state.clock.now(),
            method,
            path,
            query_text,
            headers,
            body: Bytes::new(),
            read_problem: None,
            found: Found::default(),
        }
    }
}
