//! The HTTP entry: one request to a vendor, through every step, into a response.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, Response};

use super::context::{Context, Forward, Routing};
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
        Ok(Routing::Forward(to)) => {
            (ctx.body, ctx.read_problem) = input::read_body(body, state.config.body_limit).await;
            let reply = match ctx.read_problem.take() {
                Some(problem) => to.vendor.render_error(&to.vendor.reject(problem)),
                None => forward(&ctx, &to).await,
            };
            (reply, None)
        }
        Ok(Routing::Serve(target)) => {
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

/// A call for the real vendor: sent upstream, and under `--record` kept as a stub file.
async fn forward(ctx: &Context<'_>, to: &Forward<'_>) -> crate::vendor::Reply {
    let settings = &ctx.state.config.proxy;
    let call = crate::proxy::Outgoing {
        method: ctx.method,
        rest: to.rest,
        query: ctx.query_text,
        headers: ctx.headers,
        body: ctx.body.clone(),
    };
    match crate::proxy::forward(to.vendor, to.base, call, settings.timeout).await {
        Ok(reply) => {
            if let Some(dir) = &settings.record {
                let vendor = to.vendor.name();
                crate::proxy::record::write(dir, vendor, ctx.method, to.rest, ctx.headers, &reply);
            }
            reply
        }
        Err(unreached) => unreached,
    }
}
