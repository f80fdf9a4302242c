//! Step 1: the vendor by prefix (or the port's own vendor), then the operation by method and path.
//! A request that names no operation is answered here, in the vendor's envelope where there is one.
//!
//! User stubs are consulted beside the built-in table: a built-in wins a call both take, unless the
//! stub's template is more specific (a literal segment where the built-in has a parameter, at the
//! first segment where they differ); a built-in that wins keeps the stub as its fallback, which
//! answers only where the built-in answers the vendor's not-found.

use axum::http::StatusCode;

use std::sync::Arc;

use super::context::{Context, Forward, Routing, StubTarget, Target};
use crate::registry::Routed;
use crate::stub::compile::stub_is_more_specific;
use crate::stub::{Compiled, Found};
use crate::vendor::{Problem, Reply, Vendor};

/// `fixed` names the vendor when it is served at the root of its own port (`--vendor-listen`).
/// A call of a proxied vendor (`--proxy`) that nothing here serves, or any call of it under
/// `--proxy-all`, is forwarded instead of refused.
pub fn route<'a>(ctx: &mut Context<'a>, fixed: Option<usize>) -> Result<Routing<'a>, Box<Reply>> {
    let proxy = &ctx.state.config.proxy;
    let found = match fixed {
        Some(i) => Some((i, ctx.path)),
        None => ctx.state.registry.by_prefix(ctx.path),
    };
    let forward = found.and_then(|(i, rest)| {
        let vendor = ctx.state.registry.get(i);
        proxy
            .upstream(vendor.name())
            .map(|base| Forward { vendor, base, rest })
    });
    match (forward, proxy.all) {
        (Some(f), true) => Ok(forwarded(ctx, f)),
        (Some(f), false) => match serve(ctx, fixed) {
            Err(_) if ctx.found.operation.is_none() => Ok(forwarded(ctx, f)),
            other => other.map(Routing::Serve),
        },
        (None, _) => serve(ctx, fixed).map(Routing::Serve),
    }
}

fn forwarded<'a>(ctx: &mut Context<'a>, forward: Forward<'a>) -> Routing<'a> {
    ctx.found.vendor = Some(forward.vendor);
    ctx.found.operation = Some(&crate::proxy::OPERATION);
    Routing::Forward(forward)
}

fn serve<'a>(ctx: &mut Context<'a>, fixed: Option<usize>) -> Result<Target<'a>, Box<Reply>> {
    let registry = &ctx.state.registry;
    let found = match fixed {
        Some(i) => Some((i, ctx.path)),
        None => registry.by_prefix(ctx.path),
    };
    let Some((vendor_index, rest)) = found else {
        return Err(Box::new(unknown_vendor(ctx.path)));
    };
    let vendor = registry.get(vendor_index);
    ctx.found.vendor = Some(vendor);
    let refuse = |problem: Problem| Box::new(vendor.render_error(&vendor.reject(problem)));
    let query = || {
        ctx.query_text
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default()
    };
    let builtin = registry.find(vendor_index, ctx.method, rest);
    let stub = ctx.state.stubs.find(vendor_index, ctx.method, rest);
    match (builtin, stub) {
        (Routed::Operation { operation, .. }, Found::Stub { stub, params })
            if stub_is_more_specific(&stub.decl.path, operation.path) =>
        {
            stub_target(ctx, vendor, stub, params, query())
        }
        (
            Routed::Operation {
                index,
                operation,
                params,
            },
            stub,
        ) => {
            ctx.found.operation = Some(operation);
            vendor.check_params(operation, &params).map_err(refuse)?;
            let stub = match stub {
                Found::Stub { stub, params } => Some(StubTarget {
                    stub,
                    params,
                    fallback: true,
                }),
                _ => None,
            };
            Ok(Target {
                vendor,
                operation,
                index,
                params,
                query: query(),
                stub,
            })
        }
        (_, Found::Stub { stub, params }) => stub_target(ctx, vendor, stub, params, query()),
        (builtin, stub) => {
            let mut allowed = match builtin {
                Routed::MethodNotAllowed { allowed } => allowed,
                _ => Vec::new(),
            };
            if let Found::MethodNotAllowed(more) = stub {
                for m in more {
                    if !allowed.contains(&m) {
                        allowed.push(m);
                    }
                }
            }
            if allowed.is_empty() {
                return Err(refuse(Problem::UnknownPath {
                    method: ctx.method.to_string(),
                    path: ctx.path.to_owned(),
                }));
            }
            let allow = allowed.join(", ");
            let mut reply = refuse(Problem::MethodNotAllowed {
                method: ctx.method.to_string(),
                path: ctx.path.to_owned(),
                allowed,
            });
            // RFC 9110: a 405 lists the methods the path takes (vendors that answer 404 do not).
            if reply.status == StatusCode::METHOD_NOT_ALLOWED {
                reply.set_header(axum::http::header::ALLOW, allow);
            }
            Err(reply)
        }
    }
}

/// A call a user stub answers: its operation is the stub's, and the vendor checks its parameters
/// as it checks a built-in's (Salesforce's `{version}` must name a release).
fn stub_target<'a>(
    ctx: &mut Context<'a>,
    vendor: &'a dyn Vendor,
    stub: Arc<Compiled>,
    params: Vec<(String, String)>,
    query: Vec<(String, String)>,
) -> Result<Target<'a>, Box<Reply>> {
    ctx.found.operation = Some(stub.operation);
    vendor
        .check_params(stub.operation, &params)
        .map_err(|p| Box::new(vendor.render_error(&vendor.reject(p))))?;
    Ok(Target {
        vendor,
        operation: stub.operation,
        index: usize::MAX,
        params: params.clone(),
        query,
        stub: Some(StubTarget {
            stub,
            params,
            fallback: false,
        }),
    })
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
