//! The request path, the only place that knows its order. Each step is a file; a `Context`
//! carries the call from one to the next:
//!
//! 1. `route`: the vendor by prefix and the operation by method and path (unknown: vendor's 404);
//! 2. `authenticate`: the vendor reads its credential into a tenant (missing: vendor's 401);
//! 3. `decide`: the scenario engine may delay, answer, fault or refuse the call (it sees the
//!    input `input` read);
//! 4. and 5. `handle`: validation (content type, size, depth, syntax, the operation's contract),
//!    then the vendor's handler against the tenant's state;
//! 6. `record`: every exit, early ones included, is decorated, logged and journaled once.
//!
//! Two entries share steps 2 to 6: [`dispatch`] for HTTP requests and [`PipelineGateway`] for
//! operations that arrive over a vendor's own transport (Seismic's MCP endpoint).

mod authenticate;
mod context;
mod decide;
mod dispatch;
mod gateway;
mod handle;
mod input;
mod record;
mod route;

pub use dispatch::dispatch;
pub use gateway::PipelineGateway;

use context::{Context, Exit, Target};
use decide::Decided;

/// Steps 2 to 5 of a call whose operation is known.
async fn run(ctx: &mut Context<'_>, target: &Target<'_>) -> Result<crate::vendor::Reply, Exit> {
    let tenant = authenticate::authenticate(ctx, target)?;
    let input = input::parse(ctx, target);
    let decided = decide::decide(ctx, target, &tenant, &input).await?;
    let vendor = target.vendor;
    let reply = handle::handle(ctx, target, &tenant, input);
    match decided {
        Decided::Handle => reply.map_err(|e| Exit::reply(vendor.render_error(&e))),
        // The real answer is computed so `slow_body` can drip it and the journal can show it.
        Decided::Fault(fault) => Err(Exit::Fault(
            fault,
            Box::new(reply.unwrap_or_else(|e| vendor.render_error(&e))),
        )),
    }
}

/// A finished call's answer and the fault, if any, that spoils it.
fn settle(
    outcome: Result<crate::vendor::Reply, Exit>,
) -> (crate::vendor::Reply, Option<crate::fault::Fault>) {
    match outcome {
        Ok(reply) => (reply, None),
        Err(Exit::Reply(reply)) => (*reply, None),
        Err(Exit::Fault(fault, reply)) => (*reply, Some(fault)),
    }
}
