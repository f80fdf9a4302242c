//! Step 3: the scenario engine may delay the call, answer it (a vendor error or a raw reply),
//! refuse it (revoked or forbidden credentials, a rate limit) or spoil it with a fault.

use super::context::{Context, Exit, Input, Target};
use crate::fault::Fault;
use crate::scenario::{Action, Probe};
use crate::tenant::Tenant;

/// What the scenario leaves the call to do.
pub enum Decided {
    /// Handle it normally.
    Handle,
    /// Handle it, then spoil the answer with this fault.
    Fault(Fault),
}

pub async fn decide(
    ctx: &mut Context<'_>,
    target: &Target<'_>,
    tenant: &Tenant,
    input: &Input,
) -> Result<Decided, Exit> {
    let vendor = target.vendor;
    let probe = Probe {
        vendor: vendor.name(),
        operation: target.operation.id,
        tenant,
        method: ctx.method,
        headers: ctx.headers,
        query: &target.query,
        body: input.parsed.as_ref().and_then(|p| p.as_ref().ok()),
    };
    let decision = ctx.state.scenarios.decide(&probe);
    ctx.found.rule = decision.rule;
    if let Some(delay) = decision.delay {
        tokio::time::sleep(delay).await;
    }
    match decision.action {
        Action::Continue => Ok(Decided::Handle),
        Action::Refuse(problem) => Err(Exit::reply(vendor.render_error(&vendor.reject(problem)))),
        Action::Error(error) => Err(Exit::reply(vendor.render_error(&error))),
        Action::Raw(reply) => Err(Exit::reply(reply)),
        Action::Fault(fault) => Ok(Decided::Fault(fault)),
    }
}
