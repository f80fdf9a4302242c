//! Step 1: the vendor by prefix (or the port's own vendor), then the operation by method and path.
//! A request that names no operation is answered here, in the vendor's envelope where there is one.

use axum::http::StatusCode;

use super::context::{Context, Target};
use crate::registry::Routed;
use crate::vendor::{Problem, Reply};

/// `fixed` names the vendor when it is served at the root of its own port (`--vendor-listen`).
pub fn route<'a>(ctx: &mut Context<'a>, fixed: Option<usize>) -> Result<Target<'a>, Box<Reply>> {
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
    match registry.find(vendor_index, ctx.method, rest) {
        Routed::Operation {
            index,
            operation,
            params,
        } => {
            ctx.found.operation = Some(operation);
            vendor.check_params(operation, &params).map_err(refuse)?;
            let query = ctx
                .query_text
                .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default();
            Ok(Target {
                vendor,
                operation,
                index,
                params,
                query,
            })
        }
        Routed::MethodNotAllowed { allowed } => Err(refuse(Problem::MethodNotAllowed {
            method: ctx.method.to_string(),
            path: ctx.path.to_owned(),
            allowed,
        })),
        Routed::Unknown => Err(refuse(Problem::UnknownPath {
            method: ctx.method.to_string(),
            path: ctx.path.to_owned(),
        })),
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
