//! Step 6, the tail every call shares whatever its exit: the vendor's per-answer headers, the
//! request log line, the metrics and one journal entry, with the rule that fired.

use crate::fault::Fault;
use crate::journal::{Entry, Exchange};
use crate::vendor::Reply;

use super::context::Context;

pub fn record(ctx: &Context<'_>, mut reply: Reply, fault: Option<Fault>) -> Reply {
    let found = &ctx.found;
    if let (Some(vendor), Some(tenant)) = (found.vendor, &found.tenant) {
        vendor.decorate(tenant, &mut reply);
    }
    let seconds = ctx.started.elapsed().as_secs_f64();
    let duration_ms = seconds * 1000.0;
    let status = reply.status.as_u16();
    let vendor = found.vendor.map(|v| v.name());
    let operation = found.operation.map(|o| o.id);
    ctx.state.metrics.call(
        vendor.unwrap_or("-"),
        operation.unwrap_or("-"),
        status,
        seconds,
        fault,
    );
    let tenant = found.tenant.as_ref().map(|t| t.fingerprint.clone());
    crate::telemetry::log_request(&crate::telemetry::RequestLine {
        method: ctx.method.as_str(),
        path: ctx.path,
        vendor: vendor.unwrap_or("-"),
        operation: operation.unwrap_or("-"),
        tenant: tenant.as_deref().unwrap_or("-"),
        status,
        duration_ms,
        rule: found.rule.as_deref().unwrap_or("-"),
    });
    let state = ctx.state;
    if state.journal_enabled() {
        state.journal.record(Entry {
            seq: ctx.seq,
            time: state.clock.now(),
            vendor,
            operation,
            tenant,
            tenant_key: found.tenant.as_ref().map(|t| t.key.clone()),
            method: ctx.method.clone(),
            path: ctx.path.to_owned(),
            query: ctx.query_text.map(str::to_owned),
            status,
            duration_ms,
            rule: found.rule.clone(),
            request: Exchange::capture(ctx.headers, &ctx.body),
            response: Exchange::capture_answer(&reply.headers, &reply.body),
        });
    }
    reply
}
