//! The HTTP entry: one request to a vendor, through every step, into a response.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, Response};

use super::context::Context;
use super::{input, record, route, run, settle};
use crate::state::AppState;

/// Serves one request to a vendor. `fixed` names the vendor when it is served at the root of its
/// own port (`--vendor-listen`); otherwise the first path segment picks it.
pub async fn dispatch(
    state: Arc<AppState>,
    fixed: Option<usize>,
    req: Request<Body>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let mut ctx = Context::new(
        &state,
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
    );
    let (reply, fault) = match route::route(&mut ctx, fixed) {
        Err(reply) => (*reply, None),
        Ok(target) => {
            let limit = state.config.body_limit;
            (ctx.body, ctx.read_problem) = if crate::conn::declared_over(&parts.headers, limit) {
                // Before the body is polled: an `Expect: 100-continue` client gets its 413 now.
                (
                    Default::default(),
                    Some(crate::vendor::Problem::BodyTooLarge { limit }),
                )
            } else {
                input::read_body(body, limit).await
            };
            settle(run(&mut ctx, &target).await)
        }
    };
    let reply = record::record(&ctx, reply, fault);
    crate::respond::into_response(reply, fault, parts.method == Method::HEAD)
}
