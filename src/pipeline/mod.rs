//! The request path, the only place that knows its order:
//!
//! 1. find the vendor by prefix and the operation by method and path (unknown: vendor's 404);
//! 2. **credentials**: the vendor reads its credential into a tenant (missing: vendor's 401);
//! 3. **scenario**: the engine may delay, answer, fault or refuse the call;
//! 4. **validation**: content type, size, depth, syntax and the operation's contract;
//! 5. **handler**: the vendor's own rules against the tenant's state;
//! 6. **journal**: every exit, early ones included, is recorded once, with the rule that fired.

pub mod body;
pub mod fault;
mod route;

pub use route::VendorRoutes;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, Response, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::app::AppState;
use crate::journal::{Entry, Exchange};
use crate::scenario::{Action, Probe};
use crate::tenant::Tenant;
use crate::vendor::{ApiError, Call, Operation, Problem, Reply, Vendor};
use route::Routed;

/// Where a call stands as it goes down the path; the journal reads it whatever the exit.
struct Trace {
    seq: u64,
    started: Instant,
    vendor: Option<&'static str>,
    operation: Option<&'static Operation>,
    tenant: Option<Tenant>,
    rule: Option<String>,
}

/// Serves one request to a vendor. `fixed` names the vendor when it is served at the root of its
/// own port (`--vendor-listen`); otherwise the first path segment picks it.
pub async fn dispatch(
    state: Arc<AppState>,
    fixed: Option<usize>,
    req: Request<Body>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let mut trace = Trace {
        seq: state.journal.next_seq(),
        started: Instant::now(),
        vendor: None,
        operation: None,
        tenant: None,
        rule: None,
    };
    let now = state.clock.now();
    let path = parts.uri.path().to_owned();
    let query_text = parts.uri.query().map(str::to_owned);

    let Found { vendor, op, params } = match route(&state, fixed, &parts.method, &path) {
        Ok(found) => found,
        Err(unrouted) => {
            let Unrouted { vendor, reply } = *unrouted;
            trace.vendor = vendor;
            return finish(
                &state,
                trace,
                &parts.method,
                &path,
                query_text,
                &parts.headers,
                Bytes::new(),
                reply,
                None,
            );
        }
    };
    trace.vendor = Some(vendor.name());
    trace.operation = Some(op);

    // The body is read before the scenario step because rules may match on it; problems with it
    // are reported at the validation step, after credentials and scenarios have had their say.
    let (bytes, read_problem) = read_body(body, state.body_limit).await;

    let outcome = run(
        &state,
        vendor,
        op,
        &parts.method,
        &parts.headers,
        query_text.as_deref(),
        &params,
        &bytes,
        read_problem,
        now,
        &mut trace,
    )
    .await;
    let (reply, fault) = match outcome {
        Ok(reply) => (reply, None),
        Err(Exit::Reply(reply)) => (reply, None),
        Err(Exit::Fault(fault, reply)) => (reply, Some(fault)),
    };
    let mut reply = reply;
    if let Some(tenant) = &trace.tenant {
        vendor.decorate(tenant, &mut reply);
    }
    finish(
        &state,
        trace,
        &parts.method,
        &path,
        query_text,
        &parts.headers,
        bytes,
        reply,
        fault,
    )
}

/// The vendor and operation a request names, with its path parameters.
struct Found<'s> {
    vendor: &'s dyn Vendor,
    op: &'static Operation,
    params: Vec<(String, String)>,
}

/// A request that names no operation: the answer, in the vendor's envelope where there is one.
struct Unrouted {
    vendor: Option<&'static str>,
    reply: Reply,
}

/// Step 1: the vendor by prefix (or the port's own vendor), then the operation by method and path.
fn route<'s>(
    state: &'s AppState,
    fixed: Option<usize>,
    method: &Method,
    path: &str,
) -> Result<Found<'s>, Box<Unrouted>> {
    let found = match fixed {
        Some(i) => Some((i, path)),
        None => state.vendor_by_prefix(path),
    };
    let Some((index, rest)) = found else {
        return Err(Box::new(Unrouted {
            vendor: None,
            reply: unknown_vendor(path),
        }));
    };
    let vendor = state.vendors[index].as_ref();
    let refuse = |problem: Problem| {
        Box::new(Unrouted {
            vendor: Some(vendor.name()),
            reply: vendor.render_error(&vendor.reject(problem)),
        })
    };
    match state.routes[index].find(vendor, method, rest) {
        Routed::Operation { index, params } => {
            let op = &vendor.operations()[index];
            vendor.check_params(op, &params).map_err(refuse)?;
            Ok(Found { vendor, op, params })
        }
        Routed::MethodNotAllowed => Err(refuse(Problem::MethodNotAllowed {
            method: method.to_string(),
            path: path.to_owned(),
        })),
        Routed::Unknown => Err(refuse(Problem::UnknownPath {
            method: method.to_string(),
            path: path.to_owned(),
        })),
    }
}

enum Exit {
    Reply(Reply),
    Fault(crate::scenario::Fault, Reply),
}

#[allow(clippy::too_many_arguments)]
async fn run(
    state: &AppState,
    vendor: &dyn Vendor,
    op: &'static Operation,
    method: &Method,
    headers: &HeaderMap,
    query_text: Option<&str>,
    params: &[(String, String)],
    bytes: &Bytes,
    read_problem: Option<Problem>,
    now: chrono::DateTime<chrono::Utc>,
    trace: &mut Trace,
) -> Result<Reply, Exit> {
    let refuse = |problem: Problem| Exit::Reply(vendor.render_error(&vendor.reject(problem)));

    // 2. credentials
    let credential = vendor.authenticate(op, headers).map_err(refuse)?;
    let tenant = state.tenants.resolve(&credential.0);
    trace.tenant = Some(tenant.clone());

    // 3. scenario
    let query: Vec<(String, String)> = query_text
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let wants_body = method != Method::GET && method != Method::HEAD && method != Method::DELETE;
    // A body in another form the vendor takes (Salesforce's XML) is read by the vendor itself.
    let native = if wants_body && read_problem.is_none() {
        vendor.parse_body(op, headers, bytes)
    } else {
        None
    };
    let vendor_parsed = native.is_some();
    let parsed = if !wants_body {
        vendor.query_body(op, &query).map(Ok)
    } else if native.is_some() {
        native
    } else if read_problem.is_none() && (op.request_schema.is_some() || !bytes.is_empty()) {
        Some(body::parse_json(bytes))
    } else {
        None
    };
    let probe = Probe {
        vendor: vendor.name(),
        operation: op.id,
        tenant: &tenant,
        method,
        headers,
        query: &query,
        body: parsed.as_ref().and_then(|p| p.as_ref().ok()),
    };
    let decision = state.scenarios.decide(&probe);
    trace.rule = decision.rule;
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    match decision.action {
        Action::Continue => {}
        Action::Refuse(problem) => return Err(refuse(problem)),
        Action::Error { kind, fields } => {
            let kind = vendor.find_kind(&kind).map_or("server_error", |k| k.name);
            let mut error = ApiError::new(
                kind,
                fields
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            error.fields = fields;
            error.fields.remove("message");
            return Err(Exit::Reply(vendor.render_error(&error)));
        }
        Action::Raw {
            status,
            headers,
            body,
        } => {
            return Err(Exit::Reply(fault::raw_reply(
                status,
                &headers,
                body.as_ref(),
            )))
        }
        Action::Fault(fault) => {
            // The real answer is computed so `slow_body` can drip it and the journal can show it.
            let reply = handle(
                state,
                vendor,
                op,
                headers,
                &query,
                params,
                bytes,
                read_problem,
                parsed,
                vendor_parsed,
                &tenant,
                now,
            )
            .unwrap_or_else(|e| vendor.render_error(&e));
            return Err(Exit::Fault(fault, reply));
        }
    }

    // 4. validation and 5. handler
    handle(
        state,
        vendor,
        op,
        headers,
        &query,
        params,
        bytes,
        read_problem,
        parsed,
        vendor_parsed,
        &tenant,
        now,
    )
    .map_err(|e| Exit::Reply(vendor.render_error(&e)))
}

#[allow(clippy::too_many_arguments)]
fn handle(
    state: &AppState,
    vendor: &dyn Vendor,
    op: &'static Operation,
    headers: &HeaderMap,
    query: &[(String, String)],
    params: &[(String, String)],
    bytes: &Bytes,
    read_problem: Option<Problem>,
    parsed: Option<Result<Value, Problem>>,
    vendor_parsed: bool,
    tenant: &Tenant,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reply, ApiError> {
    if let Some(problem) = read_problem {
        return Err(vendor.reject(problem));
    }
    let body = match parsed {
        Some(parsed) => {
            if !vendor_parsed && !bytes.iter().all(u8::is_ascii_whitespace) {
                body::is_json_content_type(headers).map_err(|p| vendor.reject(p))?;
            }
            let value = parsed.map_err(|p| vendor.reject(p))?;
            state
                .contracts
                .check(vendor.name(), op, &value)
                .map_err(|v| vendor.reject(Problem::Contract(v)))?;
            value
        }
        None => Value::Null,
    };
    let call = Call {
        operation: op,
        tenant,
        params,
        query,
        headers,
        body: &body,
        now,
    };
    vendor.handle(&call)
}

async fn read_body(body: Body, limit: usize) -> (Bytes, Option<Problem>) {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => (collected.to_bytes(), None),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            (Bytes::new(), Some(Problem::BodyTooLarge { limit }))
        }
        Err(e) => (
            Bytes::new(),
            Some(Problem::MalformedJson {
                line: 0,
                column: 0,
                detail: format!("the request body could not be read: {e}"),
            }),
        ),
    }
}

fn unknown_vendor(path: &str) -> Reply {
    Reply::json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({
            "error": "not_found",
            "message": format!("no simulated vendor serves {path}; vendors live under /devrev, /merge, /salesforce, /seismic and /siro, the admin API under /__admin"),
        }),
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    state: &AppState,
    trace: Trace,
    method: &Method,
    path: &str,
    query: Option<String>,
    request_headers: &HeaderMap,
    request_body: Bytes,
    reply: Reply,
    fault: Option<crate::scenario::Fault>,
) -> Response<Body> {
    record(
        state,
        trace,
        method,
        path,
        query,
        request_headers,
        &request_body,
        &reply,
    );
    fault::into_response(reply, fault, method == Method::HEAD)
}

/// Logs one call and records it in the journal.
#[allow(clippy::too_many_arguments)]
fn record(
    state: &AppState,
    trace: Trace,
    method: &Method,
    path: &str,
    query: Option<String>,
    request_headers: &HeaderMap,
    request_body: &Bytes,
    reply: &Reply,
) {
    let duration_ms = trace.started.elapsed().as_secs_f64() * 1000.0;
    let status = reply.status.as_u16();
    let (vendor, operation) = (trace.vendor, trace.operation.map(|o| o.id));
    let tenant = trace.tenant.as_ref().map(|t| t.fingerprint.clone());
    crate::telemetry::log_request(&crate::telemetry::RequestLine {
        method: method.as_str(),
        path,
        vendor: vendor.unwrap_or("-"),
        operation: operation.unwrap_or("-"),
        tenant: tenant.as_deref().unwrap_or("-"),
        status,
        duration_ms,
        rule: trace.rule.as_deref().unwrap_or("-"),
    });
    if state.journal_enabled() {
        state.journal.record(Entry {
            seq: trace.seq,
            time: state.clock.now(),
            vendor,
            operation,
            tenant,
            tenant_key: trace.tenant.map(|t| t.key),
            method: method.to_string(),
            path: path.to_owned(),
            query,
            status,
            duration_ms,
            rule: trace.rule,
            request: Exchange::capture(request_headers, request_body),
            response: Exchange::capture(&reply.headers, &reply.body),
        });
    }
}

/// Runs one operation that arrived over a vendor's own transport (an MCP `tools/call`...) through
/// the same steps as a routed request: credentials, scenario, validation, handler, journal. `body`
/// is the operation's JSON input; `method`, `path` and `headers` are those of the HTTP request that
/// carried it. Answers the reply (a success or the vendor's rendered error) and the connection
/// fault a scenario chose, which the transport carries out on its own HTTP response.
pub async fn invoke(
    state: &AppState,
    vendor: &dyn Vendor,
    op: &'static Operation,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> (Reply, Option<crate::scenario::Fault>) {
    let mut trace = Trace {
        seq: state.journal.next_seq(),
        started: Instant::now(),
        vendor: Some(vendor.name()),
        operation: Some(op),
        tenant: None,
        rule: None,
    };
    let now = state.clock.now();
    let outcome = run(
        state,
        vendor,
        op,
        method,
        headers,
        None,
        &[],
        &body,
        None,
        now,
        &mut trace,
    )
    .await;
    let (mut reply, fault) = match outcome {
        Ok(reply) | Err(Exit::Reply(reply)) => (reply, None),
        Err(Exit::Fault(fault, reply)) => (reply, Some(fault)),
    };
    if let Some(tenant) = &trace.tenant {
        vendor.decorate(tenant, &mut reply);
    }
    record(state, trace, method, path, None, headers, &body, &reply);
    (reply, fault)
}
